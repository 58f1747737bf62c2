// Disk usage of the filesystems holding the given paths, from `df -P`.
//
// A path that does not exist is an error (a typo must not pass as "healthy");
// a filesystem above the threshold is a result with ok: false, or an error when
// `fail_on_threshold` is set (a pre-check that must stop a flow).

type Mount = {
  path: string;
  filesystem: string;
  mount: string;
  size_mb: number;
  used_mb: number;
  available_mb: number;
  used_percent: number;
  ok: boolean;
};

export async function main(
  paths: string[] = ["/"],
  threshold_percent: number = 90,
  fail_on_threshold: boolean = false,
) {
  // `-i paths=/,/var` arrives as one string; accept it as a comma-separated list.
  const wanted = typeof paths === "string"
    ? (paths as string).split(",").map((p) => p.trim()).filter((p) => p !== "")
    : paths;
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw new Error("paths must be a non-empty list of paths");
  }
  const threshold = Number(threshold_percent);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new Error(`threshold_percent must be between 0 and 100, got ${threshold_percent}`);
  }

  const mounts: Mount[] = [];
  for (const path of wanted) {
    const output = await new Deno.Command("df", {
      args: ["-P", "-k", "--", path],
      stdout: "piped",
      stderr: "piped",
      env: { LC_ALL: "C" },
    }).output();
    if (!output.success) {
      const message = new TextDecoder().decode(output.stderr).trim();
      const reason = message.split(": ").at(-1) || `df exited with ${output.code}`;
      throw new Error(`cannot read disk usage of ${path}: ${reason}`);
    }
    mounts.push(parseDf(path, new TextDecoder().decode(output.stdout), threshold));
  }
  const full = mounts.filter((m) => !m.ok);
  if (fail_on_threshold && full.length > 0) {
    const list = full.map((m) => `${m.mount} at ${m.used_percent}%`).join(", ");
    throw new Error(`disk usage at or above ${threshold}%: ${list}`);
  }
  return { mounts, threshold_percent: threshold, ok: full.length === 0 };
}

function parseDf(path: string, text: string, threshold: number): Mount {
  // POSIX output: a header, then one line; the mount point may contain spaces.
  const line = text.trim().split("\n")[1];
  const fields = line?.trim().split(/\s+/) ?? [];
  if (fields.length < 6) {
    throw new Error(`unexpected df output for ${path}: ${JSON.stringify(text)}`);
  }
  const [filesystem, blocks, used, available, capacity] = fields;
  const usedPercent = Number(capacity.replace("%", ""));
  return {
    path,
    filesystem,
    mount: fields.slice(5).join(" "),
    size_mb: Math.round(Number(blocks) / 1024),
    used_mb: Math.round(Number(used) / 1024),
    available_mb: Math.round(Number(available) / 1024),
    used_percent: usedPercent,
    ok: usedPercent < threshold,
  };
}
