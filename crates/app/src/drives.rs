//! Removable drives (USB sticks), offered first as an export's target: a
//! bundle usually leaves on one.

use std::path::PathBuf;

/// A removable drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drive {
    /// What the button says: the mount point, and the volume name if any.
    pub label: String,
    /// Where to write.
    pub path: PathBuf,
}

/// The removable drives mounted now.
pub fn removable() -> Vec<Drive> {
    let disks = sysinfo::Disks::new_with_refreshed_list();
    disks
        .list()
        .iter()
        .filter(|d| d.is_removable() && !d.is_read_only())
        .map(|d| {
            let path = d.mount_point().to_path_buf();
            let name = d.name().to_string_lossy();
            let label =
                if name.is_empty() { path.display().to_string() } else { format!("{} ({name})", path.display()) };
            Drive { label, path }
        })
        .collect()
}
