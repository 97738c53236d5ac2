//! Stable C ABI for rurban plugins (no dependencies beyond std)
