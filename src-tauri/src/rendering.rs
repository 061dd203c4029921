//! How the webview draws on Linux. WebKitGTK composites with OpenGL; on a machine with no GPU
//! (no DRM render node: a VM, a server, Xvfb in CI) that means Mesa's software rasterizer,
//! which loads LLVM into both the app and the web process (about 70 MB of PSS here) and paints
//! no faster than WebKit's own non-composited path. So without a render node the app asks
//! WebKit and GTK not to use OpenGL. Variables the user has set are left alone.

use std::path::Path;

/// The variables set when there is no GPU, with their values.
pub const SOFTWARE_ENV: [(&str, &str); 2] = [("WEBKIT_DISABLE_COMPOSITING_MODE", "1"), ("GDK_GL", "disable")];

/// Whether `dri` (normally `/dev/dri`) holds a render node (`renderD128`, …).
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// The variables to set: none with a GPU; otherwise those of [`SOFTWARE_ENV`] not already set.
pub fn software_env(gpu: bool, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if gpu {
        return Vec::new();
    }
    SOFTWARE_ENV.into_iter().filter(|(name, _)| !is_set(name)).collect()
}

/// Applies [`software_env`] to this process. Call first thing in `main`, before any thread
/// starts (changing the environment is only sound while the process has one thread).
pub fn configure() {
    if !cfg!(target_os = "linux") {
        return;
    }
    for (name, value) in software_env(has_render_node(Path::new("/dev/dri")), |n| std::env::var_os(n).is_some()) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
    }

    #[test]
    fn software_rendering_only_without_a_gpu_and_never_over_the_user() {
        assert!(software_env(true, |_| false).is_empty());
        assert_eq!(software_env(false, |_| false), SOFTWARE_ENV.to_vec());
        assert_eq!(software_env(false, |n| n == "GDK_GL"), vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1")]);
    }
}
