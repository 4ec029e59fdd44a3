fn main() {
    std::process::exit(credgate::app::main());
}
