export function main(hosts: string[]) {
  return { count: hosts.length, first: hosts[0] };
}
