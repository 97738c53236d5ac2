//! `rurban`: build and analyse composite indices over region x year panels.
//!
//! A thin binary: every subcommand parses its arguments here, reads its input
//! through `rurban-core`, calls one method crate and prints the result. The
//! machine-facing surface is fixed by the command-line contract (see
//! `docs/cli.md`).

mod cmd;
mod output;
mod resolver;

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
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let resolver = resolver::Resolver::new();
    let result = match cli.command {
        Command::Run(a) => cmd::run::run(a, &resolver),
        Command::Weights(a) => cmd::weights::run(a, &resolver),
        Command::Kde(a) => cmd::kde::run(a),
        Command::Disparity(a) => cmd::disparity::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            std::process::ExitCode::from(2)
        }
    }
}
