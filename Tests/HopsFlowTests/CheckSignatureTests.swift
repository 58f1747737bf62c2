import Foundation
import Testing
@testable import HopsFlow

@Suite struct CheckSignatureTests {
    @Test func typeScriptParametersWithDefaultsOptionalsAndTypes() throws {
        let source = """
            import * as wmill from "windmill-client";
            // function main(fake: string) in a comment does not count
            const note = "export async function main(alsoFake) {}";
            export async function main(
              host: string, // the host, e.g. "a,b"
              port = 5,
              timeout?: number,
              headers: Record<string, { a: number, b: string }> = {},
              /* tags, optional */ tags: string[] = ["x", "y,z"],
              callback: (a: number, b: string) => void = () => {},
            ) {
              return `${host}:${port}`;
            }
            """
        let signature = try ScriptSignature.read(source: source, language: .typescript)
        #expect(signature.parameterNames == ["host", "port", "timeout", "headers", "tags", "callback"])
        #expect(signature.parameters.map(\.isOptional) == [false, true, true, true, true, true])
        #expect(signature.parameters[0].typeText == "string")
        #expect(signature.parameters[1].defaultText == "5")
        #expect(signature.parameters[3].typeText == "Record<string, { a: number, b: string }>")
        #expect(signature.parameters[4].defaultText == #"["x", "y,z"]"#)
        #expect(signature.parameters[5].typeText == "(a: number, b: string) => void")
        #expect(signature.line == 4)
        #expect(!signature.acceptsAnyArgument)
    }

    @Test func typeScriptDestructuredAndArrowMain() throws {
        let destructured = try ScriptSignature.read(
            source: "export async function main(a: string, { x, y }: { x: number; y: number }) {}", language: .typescript)
        #expect(destructured.parameterNames == ["a"])
        #expect(destructured.acceptsAnyArgument)
        let arrow = try ScriptSignature.read(
            source: "export const main = async (url: string, retries = 3) => fetch(url)", language: .typescript)
        #expect(arrow.parameterNames == ["url", "retries"])
        #expect(arrow.requiredParameters.map(\.name) == ["url"])
        let template = try ScriptSignature.read(
            source: "const s = `a ${ { b: `function main(q)` }.b } c`\nfunction main(real: boolean) {}", language: .typescript)
        #expect(template.parameterNames == ["real"])
        #expect(template.line == 2)
    }

    @Test func pythonParametersKeywordOnlyAndKwargs() throws {
        let source = #"""
            import wmill
            # def main(fake): a comment
            DOC = """
            def main(also_fake):
            """

            def helper(x):
                return x

            def main(
                a: str,
                b: int = 5,  # default five
                *,
                c=None,
                d: dict[str, list[int]] = {"k": [1, 2]},
                e: str = "x, y",
            ) -> dict:
                return {}
            """#
        let signature = try ScriptSignature.read(source: source, language: .python)
        #expect(signature.parameterNames == ["a", "b", "c", "d", "e"])
        #expect(signature.parameters.map(\.isOptional) == [false, true, true, true, true])
        #expect(signature.parameters[3].typeText == "dict[str, list[int]]")
        #expect(signature.parameters[4].defaultText == #""x, y""#)
        #expect(signature.line == 10)
        #expect(!signature.acceptsAnyArgument)
        let kwargs = try ScriptSignature.read(source: "def main(x, *args, **kwargs):\n    pass\n", language: .python)
        #expect(kwargs.parameterNames == ["x"])
        #expect(kwargs.acceptsAnyArgument)
    }

    @Test func bashTakesPositionalArguments() throws {
        let source = """
            #!/bin/bash
            msg="$1"
            count="${2:-3}"
            echo "$msg $count"
            """
        let signature = try ScriptSignature.read(source: source, language: .bash)
        #expect(signature.acceptsAnyArgument)
        #expect(signature.parameterNames == ["msg", "count"])
        #expect(signature.parameters[1].defaultText == "3")
    }

    /// The declarations the scanners find without regular expressions, and near misses they pass over.
    @Test func declarationShapesAndNearMisses() throws {
        let shapes: [(String, ScriptSignature.Language, [String])] = [
            ("export function* main<T extends { a: number }>(x: T) {}", .typescript, ["x"]),
            ("export const main: Handler<A> = async function <T>(a: T, b = 1) {}", .typescript, ["a", "b"]),
            ("let main = async(a) => a", .typescript, ["a"]),
            ("var\n  main\n  =\n  (q) => q", .typescript, ["q"]),
            ("const mainly = (z) => z\nexport async function main(y) {}", .typescript, ["y"]),
            ("xfunction main(bad) {}\nfunction main(good) {}", .typescript, ["good"]),
            ("async  def main(a, b=2):\n    pass\n", .python, ["a", "b"]),
            ("def\tmain\t(x):\n    pass\n", .python, ["x"]),
            ("""
            #!/bin/bash
              host="${1}"   # the host
            port="$2" extra
            user="${3:-root}"
            9bad="$4"
            host="$5"
            """, .bash, ["host", "user"]),
        ]
        for (source, language, names) in shapes {
            #expect(try ScriptSignature.read(source: source, language: language).parameterNames == names, "\(source)")
        }
        let bash = try ScriptSignature.read(source: "user=\"${3:-root}\"\n", language: .bash)
        #expect(bash.parameters.first?.defaultText == "root")
        for (source, language) in [
            ("const main: (a: number) => void = (a) => {}", ScriptSignature.Language.typescript),
            ("const mainx = (a) => a", .typescript),
            ("asyncdef main(a):\n    pass\n", .python),
        ] {
            #expect(throws: ScriptSignatureError.missingMain, "\(source)") {
                _ = try ScriptSignature.read(source: source, language: language)
            }
        }
    }

    @Test func missingMainIsAnError() {
        #expect(throws: ScriptSignatureError.missingMain) {
            _ = try ScriptSignature.read(source: "export function mainly(a) {}\n// main(", language: .typescript)
        }
        #expect(throws: ScriptSignatureError.missingMain) {
            _ = try ScriptSignature.read(source: "class A:\n    def main(self, a):\n        pass\n", language: .python)
        }
        #expect(throws: ScriptSignatureError.unterminatedParameters(line: 1)) {
            _ = try ScriptSignature.read(source: "def main(a, b\n", language: .python)
        }
    }

    @Test func languagesByFileAndWindmillName() {
        #expect(ScriptSignature.language(forFile: "a/b.ts") == .typescript)
        #expect(ScriptSignature.language(forFile: "a/b.py") == .python)
        #expect(ScriptSignature.language(forFile: "a/b.sh") == .bash)
        #expect(ScriptSignature.language(forFile: "a/b.go") == nil)
        #expect(ScriptSignature.language(forWindmillLanguage: "bun") == .typescript)
        #expect(ScriptSignature.language(forWindmillLanguage: "python3") == .python)
    }
}
