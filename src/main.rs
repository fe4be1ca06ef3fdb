fn main() -> std::process::ExitCode {
    learn::main()
}
