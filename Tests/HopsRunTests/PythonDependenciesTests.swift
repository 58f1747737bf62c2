import Foundation
import Testing

@testable import HopsRun

/// Which packages a Python step needs, read as Windmill reads them: the lock, else a
/// `# requirements:` header, else the imports of modules outside the standard library.
@Suite struct PythonDependenciesTests {
    @Test func theLockComesFirst() {
        let source = "# requirements:\n# requests\nimport yaml\n\ndef main():\n    pass\n"
        let lock = "# py311\nsix==1.16.0\n\n-e ./local\nhumanize==4.9.0\n"
        #expect(PythonDependencies.requirements(source: source, lock: lock) == ["six==1.16.0", "humanize==4.9.0"])
    }

    @Test func thenTheRequirementsHeader() {
        let source = "#requirements:\n# requests==2.31.0\n#tabulate\nimport yaml\n\ndef main():\n    pass\n"
        #expect(PythonDependencies.requirements(source: source, lock: nil) == ["requests==2.31.0", "tabulate"])
    }

    @Test func thenTheImportsOutsideTheStandardLibrary() {
        let source = """
            # extra_requirements:
            # humanize==4.9.0
            import os, json as j
            import yaml
            import requests.adapters
            from bs4 import BeautifulSoup
            from dateutil.parser import parse
            from typing import Any
            from . import sibling
            import wmill
            import my_helpers  # a comment
            if True:
                import indented_is_not_read

            def main(x: int):
                import inside_main
                return x

            """
        #expect(PythonDependencies.requirements(source: source, lock: nil)
            == ["humanize==4.9.0", "pyyaml", "requests", "beautifulsoup4", "python-dateutil", "my-helpers"])
    }

    @Test func aScriptOfTheStandardLibraryOnlyNeedsNothing() {
        #expect(PythonDependencies.requirements(source: "import os\nimport sys\n\ndef main():\n    return 1\n", lock: nil).isEmpty)
    }

    @Test func pipsErrorNamesThePackage() {
        let output = """
            ERROR: Could not find a version that satisfies the requirement no-such-zz9==1.0 (from versions: none)
            ERROR: No matching distribution found for no-such-zz9==1.0
            """
        #expect(PythonDependencies.failedPackages(in: output, requirements: ["six", "no-such-zz9==1.0"]) == ["no-such-zz9==1.0"])
        #expect(PythonDependencies.failedPackages(in: "boom", requirements: ["six"]) == ["six"])
    }

    @Test func denoFetchFailuresNameTheImportAsWritten() throws {
        let source = "// fetch\nimport { x } from \"https://127.0.0.1:9/mod.ts\";\nexport function main() { return x; }\n"
        let message = """
            Import 'https://127.0.0.1:9/mod.ts' failed.
                0: error sending request for url (https://127.0.0.1:9/mod.ts): client error (Connect)
                1: tcp connect error: Connection refused (os error 111)
                at file:///tmp/hops-step-1/main.ts:2:19
            """
        let failure = try #require(DenoImportFailure(message: message, source: source, fileName: "main.ts"))
        #expect(failure.specifier == "https://127.0.0.1:9/mod.ts" && failure.line == 2)
        #expect(failure.description.hasPrefix("cannot fetch the import 'https://127.0.0.1:9/mod.ts' (line 2 of the script): Import"))
        #expect(failure.description.contains("Connection refused (os error 111)"))
        // A failure inside another module, or another kind of error, is left as Deno gave it.
        #expect(DenoImportFailure(message: message.replacingOccurrences(of: "main.ts", with: "dep.ts"), source: source, fileName: "main.ts") == nil)
        #expect(DenoImportFailure(message: "boom\n    at file:///tmp/main.ts:2:1", source: source, fileName: "main.ts") == nil)
    }
}
