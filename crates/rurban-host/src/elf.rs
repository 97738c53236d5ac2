//! Checks that a file is a complete ELF shared object before it is handed
//! to the dynamic loader.
//!
//! `dlopen` maps a library's segments straight from the file: a truncated
//! file (a copy cut short, a download that stopped) maps pages past its end,
//! and touching them kills the process with SIGBUS. So the header, the
//! program and section header tables and every loadable segment's file
//! range are checked against the file's size first, with `object`'s parser.

use object::Endianness;
use object::elf;
use object::read::elf::{FileHeader, ProgramHeader};

/// The most bytes of a plugin file that are read to check it.
pub const MAX_PLUGIN_BYTES: u64 = 1 << 30;

/// Why `data` is not a complete ELF shared object for this machine, if it is not.
pub fn check(data: &[u8]) -> Result<(), String> {
    if data.len() < 4 || data[..4] != elf::ELFMAG {
        return Err("not an ELF file (bad magic number)".into());
    }
    // e_ident[EI_CLASS] is byte 4.
    let class = data.get(4).copied().unwrap_or(0);
    let ours = if cfg!(target_pointer_width = "64") {
        elf::ELFCLASS64
    } else {
        elf::ELFCLASS32
    };
    if class != ours {
        return Err(format!(
            "an ELF file of class {class}, but this rurban needs class {ours} ({}-bit)",
            if ours == elf::ELFCLASS64 { 64 } else { 32 }
        ));
    }
    if ours == elf::ELFCLASS64 {
        check_with::<elf::FileHeader64<Endianness>>(data)
    } else {
        check_with::<elf::FileHeader32<Endianness>>(data)
    }
}

fn check_with<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<(), String> {
    let len = data.len() as u64;
    let truncated = |what: &str| format!("the file is truncated or corrupt: {what}");
    let header = H::parse(data).map_err(|_| truncated("incomplete ELF header"))?;
    let endian = header
        .endian()
        .map_err(|_| "an ELF file of unknown byte order".to_string())?;
    if header.e_type(endian) != elf::ET_DYN {
        return Err(format!(
            "an ELF file of type {}, not a shared library (ET_DYN)",
            header.e_type(endian)
        ));
    }
    let phoff: u64 = header.e_phoff(endian).into();
    let shoff: u64 = header.e_shoff(endian).into();
    if phoff > len || shoff > len {
        return Err(truncated(&format!(
            "its header tables start beyond its {len} bytes"
        )));
    }
    let phdrs = header
        .program_headers(endian, data)
        .map_err(|_| truncated("incomplete program header table"))?;
    header
        .section_headers(endian, data)
        .map_err(|_| truncated("incomplete section header table"))?;
    if phdrs.is_empty() {
        return Err("a shared library without program headers".into());
    }
    for (i, ph) in phdrs.iter().enumerate() {
        if ph.p_type(endian) != elf::PT_LOAD {
            continue;
        }
        let off: u64 = ph.p_offset(endian).into();
        let size: u64 = ph.p_filesz(endian).into();
        if off.checked_add(size).is_none_or(|end| end > len) {
            return Err(truncated(&format!(
                "loadable segment {i} ends at byte {}, beyond its {len} bytes",
                off.saturating_add(size)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_elf() {
        assert!(check(b"").unwrap_err().contains("bad magic"));
        assert!(check(b"#!/bin/sh\n").unwrap_err().contains("bad magic"));
        let e = check(b"\x7fELF\x02").unwrap_err();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn the_running_executable_is_checked_whole_and_cut() {
        // The test binary is a complete ELF file (an executable or a PIE);
        // cut in half, its segments end beyond the file.
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let r = check(&exe);
        assert!(
            r.is_ok() || r.as_ref().unwrap_err().contains("not a shared library"),
            "{r:?}"
        );
        let e = check(&exe[..exe.len() / 2]).unwrap_err();
        assert!(
            e.contains("truncated") || e.contains("not a shared library"),
            "{e}"
        );
        let e = check(&exe[..3000]).unwrap_err();
        assert!(
            e.contains("truncated") || e.contains("not a shared library"),
            "{e}"
        );
    }
}
