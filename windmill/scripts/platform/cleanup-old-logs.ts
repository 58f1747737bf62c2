// Deletes log files older than a number of days inside one folder (and its subfolders).
//
// Safety rules: a dry run by default; only regular files whose name matches
// `pattern` are touched; symbolic links are never followed nor deleted, so the
// cleanup cannot leave the folder; the filesystem root is refused.

import { join, resolve } from "node:path";

const DAY_MS = 24 * 60 * 60 * 1000;

export async function main(
  folder: string,
  older_than_days: number = 14,
  pattern: string = ".log",
  dry_run: boolean = true,
  recursive: boolean = true,
) {
  if (typeof folder !== "string" || folder.trim() === "") {
    throw new Error("folder is required");
  }
  const days = Number(older_than_days);
  if (!Number.isFinite(days) || days < 0) {
    throw new Error(`older_than_days must be a number of days >= 0, got ${older_than_days}`);
  }
  const root = resolve(folder);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(root);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`folder does not exist: ${root}`);
    throw error;
  }
  if (info.isSymlink) throw new Error(`refusing to clean ${root}: it is a symbolic link`);
  if (!info.isDirectory) throw new Error(`not a folder: ${root}`);
  if ((await Deno.realPath(root)) === "/") throw new Error("refusing to clean the filesystem root");

  const matches = matcher(pattern);
  const cutoff = Date.now() - days * DAY_MS;
  const deleted: string[] = [];
  let kept = 0;
  let skippedLinks = 0;
  let bytesFreed = 0;

  async function visit(directory: string) {
    for await (const entry of Deno.readDir(directory)) {
      const path = join(directory, entry.name);
      if (entry.isSymlink) {
        skippedLinks += 1;
        continue;
      }
      if (entry.isDirectory) {
        if (recursive) await visit(path);
        continue;
      }
      if (!entry.isFile) continue;
      const stat = await Deno.lstat(path);
      const modified = stat.mtime?.getTime() ?? Date.now();
      if (!matches(entry.name) || modified >= cutoff) {
        kept += 1;
        continue;
      }
      if (!dry_run) await Deno.remove(path);
      deleted.push(path);
      bytesFreed += stat.size;
    }
  }
  await visit(root);

  deleted.sort();
  return {
    folder: root,
    dry_run: Boolean(dry_run),
    deleted,
    kept,
    skipped_links: skippedLinks,
    bytes_freed: bytesFreed,
  };
}

/** `pattern` is a name suffix (".log") or, when it has `*` or `?`, a glob on the name ("app-*.log"). */
function matcher(pattern: string): (name: string) => boolean {
  if (typeof pattern !== "string" || pattern === "") {
    throw new Error("pattern must be a non-empty name suffix or glob");
  }
  if (pattern.includes("/")) throw new Error(`pattern matches file names only, not paths: ${pattern}`);
  if (!/[*?]/.test(pattern)) return (name) => name.endsWith(pattern);
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}
