import PVETestSupport
import Testing

/// Every Swift code block of every documentation catalog (Sources/<Module>/<Module>.docc/*.md)
/// appears, line for line (indentation and blank lines aside), in
/// Tests/<Module>Tests/DocArticleTests.swift, where it is compiled and run; the test's own
/// assertion lines (`#expect`, `#require`) may stand between snippet lines. Change an article and
/// its test together, or this fails.
@Suite("documentation snippets are tested")
struct DocArticleSnippetSyncTests {
    static let root = String(Fixtures.root.dropLast("/Fixtures".count))
    static let modules = ["PVEConfig", "PVESystem", "PVEGuestOS", "PVERuntime", "PVEGuestSetup", "PVEStorage", "PVELXCConfig"]

    /// The ```swift blocks of a Markdown text, each as its lines without surrounding whitespace.
    static func snippets(in markdown: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = trim(line)
            if current == nil {
                if trimmed == "```swift" { current = [] }
            } else if trimmed == "```" {
                blocks.append(current!.filter { !$0.isEmpty })
                current = nil
            } else {
                current!.append(trimmed)
            }
        }
        return blocks
    }

    static func trim(_ line: Substring) -> String {
        String(line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Test-only lines: assertions.
    static func isAssertion(_ line: String) -> Bool {
        line.hasPrefix("#expect") || line.hasPrefix("#require") || line.hasPrefix("try #require")
    }

    /// Whether `block` occurs as consecutive non-empty lines of `lines`.
    static func contains(_ lines: [String], _ block: [String]) -> Bool {
        guard !block.isEmpty, block.count <= lines.count else { return block.isEmpty }
        for start in 0...(lines.count - block.count) where lines[start] == block[0] {
            if Array(lines[start..<start + block.count]) == block { return true }
        }
        return false
    }

    @Test(arguments: modules)
    func articleSnippetsAreInTheModulesTests(module: String) throws {
        let catalog = "\(Self.root)/Sources/\(module)/\(module).docc"
        let articles = TestFiles.list(catalog).filter { $0.hasSuffix(".md") }
        #expect(articles.contains("\(module).md"), "\(module) has no landing page")
        let testFile = "\(Self.root)/Tests/\(module)Tests/DocArticleTests.swift"
        let testText = try #require(TestFiles.readString(testFile), "missing \(testFile)")
        let testLines = testText.split(separator: "\n").map(Self.trim).filter { !$0.isEmpty && !Self.isAssertion($0) }
        var count = 0
        for article in articles {
            let text = try #require(TestFiles.readString("\(catalog)/\(article)"))
            for block in Self.snippets(in: text) {
                count += 1
                let found = Self.contains(testLines, block)
                #expect(found, "\(module).docc/\(article): snippet not in \(testFile):\n\(block.joined(separator: "\n"))")
            }
        }
        #expect(count > 0, "\(module): no snippets")
    }

    @Test func theCheckerFindsAChangedSnippet() {
        let lines = ["let a = 1", "print(a)", "let b = 2"]
        #expect(Self.contains(lines, ["print(a)", "let b = 2"]))
        #expect(!Self.contains(lines, ["print(a)", "let b = 3"]))
        #expect(Self.isAssertion("#expect(a == 1)") && !Self.isAssertion("print(a)"))
        #expect(Self.snippets(in: "x\n```swift\n    let a = 1\n\n  print(a)\n```\n```sh\nls\n```\n") == [["let a = 1", "print(a)"]])
    }
}
