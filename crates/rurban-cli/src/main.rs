//! `rurban`: build and analyse composite indices over region x year panels.
//!
//! A thin binary: every subcommand parses its arguments here, reads its input
//! through `rurban-core`, calls one method crate and prints the result. The
//! machine-facing surface is fixed by the command-line contract (see
//! `docs/cli.md`).

mod cmd;
mod output;

use clap::{Parser, Subcommand};

/// Composite indices of urban-rural integrated development, and any other
/// index over a panel of regions x years x indicators.
#[derive(Parser)]
#[command(name = "rurban", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a whole index specification: weights, scores and the analysis chain.
    Run(cmd::run::RunArgs),
    /// Compute indicator weights of a table.
    Weights(cmd::weights::WeightsArgs),
    /// Kernel density estimation of a column, per group.
    Kde(cmd::kde::KdeArgs),
    /// Disparity: CV, Theil, Gini and their decompositions.
    Disparity(cmd::disparity::DisparityArgs),
    /// Grey relational analysis of compared sequences against a reference.
    Grey(cmd::grey::GreyArgs),
    /// Cluster rows into tiers (k-means or hierarchical).
    Cluster(cmd::cluster::ClusterArgs),
    /// Sigma and absolute beta convergence.
    Convergence(cmd::convergence::ConvergenceArgs),
    /// Write a synthetic panel with known structure.
    Synth(cmd::synth::SynthArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => cmd::run::run(a),
        Command::Weights(a) => cmd::weights::run(a),
        Command::Kde(a) => cmd::kde::run(a),
        Command::Disparity(a) => cmd::disparity::run(a),
        Command::Grey(a) => cmd::grey::run(a),
        Command::Cluster(a) => cmd::cluster::run(a),
        Command::Convergence(a) => cmd::convergence::run(a),
        Command::Synth(a) => cmd::synth::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            std::process::ExitCode::from(2)
        }
    }
}
