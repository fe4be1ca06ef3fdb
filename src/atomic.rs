//! Writing state files so that a crash or a full disk never leaves half a file.

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
