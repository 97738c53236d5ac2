//! K-means and hierarchical clustering of regions into tiers
