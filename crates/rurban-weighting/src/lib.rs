//! Objective and subjective weighting schemes behind one Weighting trait
