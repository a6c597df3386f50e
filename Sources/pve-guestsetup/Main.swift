import Glibc

@main
struct Main {
    static func main() {
        var console = Console.standard
        exit(CLI.run(Array(CommandLine.arguments.dropFirst()), console: &console))
    }
}
