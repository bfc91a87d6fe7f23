//! A bare Leptos "hello": the smallest client-side Leptos app, built with the web app's profile
//! (`wasm-release`, `wasm-opt -Oz`) so BENCHMARKS.md can compare the web app's weight with it.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <p>"你好"</p> });
}
