//! Kernel density estimation with peaks, mode and spread
