//! Disparity measures: CV, Theil, Gini and the Dagum decomposition
