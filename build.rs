//! Rebuild when a bundled lab changes: `include_dir!` embeds `labs/`, and cargo does not
//! track the files a proc macro reads.

fn main() {
    println!("cargo:rerun-if-changed=labs");
}
