import Testing

@testable import HopsRun

/// The programs a Deno step may run (`--allow-run`) are those its source names literally.
@Suite struct DenoProgramNameTests {
    @Test func programsNamedLiterallyAndOnlyThose() {
        let source = """
            const a = new Deno.Command("df", { args: ["-h"] });
            const b = renew Deno.Command('ls');
            Deno.run({ cmd: [ `git`, "status" ] });
            spawn("ssh", []); execFileSync('rsync'); respawn("nope"); spawnSync ( "x" );
            new Deno.Command(program); new Deno.Command("$HOME/bin"); new Deno.Command("a b");
            new Deno.Command("df");
            """
        #expect(DenoPermissions.programsNamed(in: source) == ["df", "ls", "git", "ssh", "rsync"])
        #expect(DenoPermissions.programsNamed(in: "export function main() { return 1 }").isEmpty)
    }
}
