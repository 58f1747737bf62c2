// Throws from main after writing to stderr.
export async function main(path: string = "/srv/data") {
  console.error(`checking ${path}`);
  throw new TypeError(`disk on fire at ${path}`);
}
