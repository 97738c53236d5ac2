//! The rurban run pipeline: specification to weights, scores, analyses and findings
