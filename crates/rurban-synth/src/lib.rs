//! Seeded synthetic panels with known structure
