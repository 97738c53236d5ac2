//! `rurban`: build and analyse composite indices over region x year panels.
//!
//! A thin binary: every subcommand parses its arguments here, reads its input
//! through `rurban-core`, calls one method crate and prints the result. The
//! machine-facing surface is fixed by the command-line contract; where it is
//! silent, the choices are written in `docs/methods.md`, `docs/outputs.md`
//! and the method pages of `docs/methods/`.

mod cmd;
mod output;
mod resolver;

use clap::{Parser, Subcommand};

/// Composite indices of urban-rural integrated development, and any other
/// index over a panel of regions x years x indicators.
#[derive(Parser)]
#[command(name = "rurban", version, long_about = None)]
struct Cli {
    /// Load a plugin library (repeatable); RURBAN_PLUGIN_PATH directories are
    /// searched too.
    #[arg(long, global = true, value_name = "FILE")]
    plugin: Vec<std::path::PathBuf>,
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
    /// Sigma and absolute beta convergence.
    Convergence(cmd::convergence::ConvergenceArgs),
    /// Trend tests of a column over x (OLS slope, Mann-Kendall, Sen's slope), per group.
    Trend(cmd::trend::TrendArgs),
    /// Grey relational analysis of compared sequences against a reference.
    Grey(cmd::grey::GreyArgs),
    /// Cluster rows into tiers (k-means or hierarchical).
    Cluster(cmd::cluster::ClusterArgs),
    /// Neighbour lists of region boundaries (queen, rook, KNN or a file).
    Neighbours(cmd::neighbours::NeighboursArgs),
    /// Global Moran's I and Geary's C per group, and local Moran (LISA).
    Moran(cmd::moran::MoranArgs),
    /// Map classes: quantile, equal interval or Fisher-Jenks.
    Classify(cmd::classify::ClassifyArgs),
    /// Classic and spatial Markov chains of a balanced panel.
    Markov(cmd::markov::MarkovArgs),
    /// Value-weighted centre of gravity per group and its moves.
    Gravity(cmd::gravity::GravityArgs),
    /// Uncertainty and Sobol sensitivity analysis of the ranking (`[uncertainty]`).
    Robustness(cmd::robustness::RobustnessArgs),
    /// Re-render report.html and results.xlsx from a run's summary.json.
    Report(cmd::report::ReportArgs),
    /// Write a synthetic panel with known structure.
    Synth(cmd::synth::SynthArgs),
    /// List the weighting schemes and derived-indicator kinds, built in and loaded.
    Plugins(cmd::plugins::PluginsArgs),
}

/// Restores the default SIGPIPE action, so `rurban ... | head` ends quietly
/// instead of failing on a closed pipe.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any other
    // thread exists has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A bug must still end in one `error:` line, not a backtrace.
fn report_bugs_plainly() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error{at}: {msg} (this is a bug in rurban; please report it)");
    }));
}

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    report_bugs_plainly();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = resolver::Resolver::new(&cli.plugin)
        .and_then(|resolver| dispatch(cli.command, resolver))
        .and_then(|()| output::flush_stdout());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            std::process::ExitCode::from(2)
        }
    }
}

/// Prints a command-line usage error as one `error:` line (clap's message
/// and tips, then its hint), or help and version text as clap does.
fn usage_error(e: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let code = if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
        if e.print().is_err() {
            return std::process::ExitCode::from(2);
        }
        return std::process::ExitCode::from(code);
    }
    eprintln!(
        "error: {}",
        output::error_line(&usage_line(&e.render().to_string()))
    );
    std::process::ExitCode::from(2)
}

/// clap's rendered error as one line: the message and its tips (the lines
/// before `Usage:`), then the `--help` hint.
fn usage_line(rendered: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut hint = None;
    let mut in_usage = false;
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() {
            in_usage = false;
            continue;
        }
        if line.starts_with("Usage:") {
            in_usage = true;
            continue;
        }
        if line.starts_with("For more information") {
            hint = Some(line);
            continue;
        }
        if !in_usage {
            parts.push(line.strip_prefix("error:").map_or(line, str::trim));
        }
    }
    let mut text = parts.join(" ");
    if let Some(h) = hint {
        text.push_str(" (");
        text.push_str(h.trim_end_matches('.'));
        text.push(')');
    }
    text
}

fn dispatch(command: Command, mut resolver: resolver::Resolver) -> anyhow::Result<()> {
    match command {
        Command::Run(a) => cmd::run::run(a, &mut resolver),
        Command::Weights(a) => cmd::weights::run(a, &resolver),
        Command::Kde(a) => cmd::kde::run(a),
        Command::Disparity(a) => cmd::disparity::run(a),
        Command::Convergence(a) => cmd::convergence::run(a),
        Command::Trend(a) => cmd::trend::run(a),
        Command::Grey(a) => cmd::grey::run(a),
        Command::Cluster(a) => cmd::cluster::run(a),
        Command::Neighbours(a) => cmd::neighbours::run(a),
        Command::Moran(a) => cmd::moran::run(a),
        Command::Classify(a) => cmd::classify::run(a),
        Command::Markov(a) => cmd::markov::run(a),
        Command::Gravity(a) => cmd::gravity::run(a),
        Command::Synth(a) => cmd::synth::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Robustness(a) => cmd::robustness::run(a, &mut resolver),
        Command::Plugins(a) => cmd::plugins::run(a, &resolver.registry),
    }
}
