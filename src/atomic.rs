//! State and report files: written so that a crash or a full disk never leaves half a
//! file and a symlink is replaced, never followed; read so that a FIFO never blocks.

use std::io::Write;
use std::path::Path;

/// Write `value` as JSON to `path` through a temporary file in the same folder and a
/// rename: readers see the old file or the new one, never a mix.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut file, value)?;
    file.write_all(b"\n")?;
    file.as_file().sync_all()?;
    file.persist(path)?;
    Ok(())
}

/// Write `text` to `path` the same way: through a temporary file and a rename, so a
/// symlink or a FIFO planted at `path` is replaced, never followed or opened.
///
/// A path in `/dev` or `/proc` (`/dev/stdout`, `/dev/null`) names where output goes: it is
/// written to, never replaced (a rename there would swap the machine's own device).
pub fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    if path.starts_with("/dev") || path.starts_with("/proc") {
        let mut device = std::fs::OpenOptions::new().write(true).open(path)?;
        return device.write_all(text.as_bytes());
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    // Reports are for others to read, as a plain write would have made them.
    use std::os::unix::fs::PermissionsExt;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    file.persist(path)?;
    Ok(())
}

/// Open `path` for reading only if it is a regular file, without ever blocking: a FIFO
/// or a device planted where a file belongs (a build input, a state file) would
/// otherwise stall learn. The file and its size.
pub fn open_regular(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    open_regular_with(path, rustix::fs::OFlags::empty())
}

/// `open_regular`, never through a symlink (one swapped in since `path` was looked at):
/// for reading a stranger's files as root.
pub fn open_regular_no_follow(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    open_regular_with(path, rustix::fs::OFlags::NOFOLLOW)
}

fn open_regular_with(
    path: &Path,
    extra: rustix::fs::OFlags,
) -> std::io::Result<(std::fs::File, u64)> {
    use rustix::fs::{FileType, Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | extra,
        Mode::empty(),
    )?;
    let stat = rustix::fs::fstat(&fd)?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok((std::fs::File::from(fd), stat.st_size as u64))
}

/// The text of a small state file: `None` when it is missing, not a regular file, or
/// bigger than `limit` bytes.
pub fn read_small(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read;
    let (file, size) = open_regular(path).ok()?;
    if size > limit {
        return None;
    }
    let mut text = String::new();
    file.take(limit).read_to_string(&mut text).ok()?;
    Some(text)
}
