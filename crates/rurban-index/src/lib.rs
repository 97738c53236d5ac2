//! Normalisation and aggregation of a panel into composite and dimension scores
