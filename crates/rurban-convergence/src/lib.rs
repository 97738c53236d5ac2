//! Sigma and absolute beta convergence
