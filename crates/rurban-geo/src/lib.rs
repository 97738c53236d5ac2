//! Region boundaries: reading GeoJSON, feature centroids, spatial weights
//! (queen and rook contiguity, k nearest neighbours, a user's matrix) and the
//! centre of gravity. Statistics on the weights live in `rurban-spatial`.
