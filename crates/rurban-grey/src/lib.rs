//! Grey relational analysis (Deng)
