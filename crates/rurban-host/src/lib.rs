//! Loads rurban plugins and keeps the registry of weighting schemes and derived indicators
