// A script that forgot to export main.
export function helper() {
  return 1;
}
