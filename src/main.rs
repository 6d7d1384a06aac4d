fn main() -> std::process::ExitCode {
    docklings::cli::run()
}
