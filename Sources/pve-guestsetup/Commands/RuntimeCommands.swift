enum StartCommand: CLICommand {
    static let spec = CommandSpec(name: "start", abstract: "Start a container.", usage: "start <ctid> [options]")

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("start: not implemented yet")
    }
}

enum StopCommand: CLICommand {
    static let spec = CommandSpec(name: "stop", abstract: "Stop a container.", usage: "stop <ctid> [options]")

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("stop: not implemented yet")
    }
}

enum StatusCommand: CLICommand {
    static let spec = CommandSpec(name: "status", abstract: "Show a container's state.", usage: "status <ctid> [--json]")

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("status: not implemented yet")
    }
}

enum EnterCommand: CLICommand {
    static let spec = CommandSpec(name: "enter", abstract: "Open a shell inside a running container.", usage: "enter <ctid>")

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("enter: not implemented yet")
    }
}

enum ExecCommand: CLICommand {
    static let spec = CommandSpec(name: "exec", abstract: "Run a command inside a running container.", usage: "exec <ctid> [options] -- <cmd> [<arg>...]")

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("exec: not implemented yet")
    }
}

