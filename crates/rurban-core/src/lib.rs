//! Data model, index specification and table input for rurban
