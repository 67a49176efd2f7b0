//! `bemx-app`: the desktop window. On Windows a GUI program (no console
//! window); `bemx-app FILE.bemx` opens a bundle (the file association the
//! installer registers), `bemx-app --demo` a demo pair.
#![forbid(unsafe_code)]
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::path::PathBuf;

use bemx_app::App;
use bemx_install::Home;
use clap::Parser;

/// bemx desktop app: hand BEM clients over between installations.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// A bundle (.bemx) to import, or a receipt to read in
    file: Option<PathBuf>,
    /// The installation folder [default: %APPDATA%\bemx, or ~/.local/share/bemx]
    #[arg(long, env = "BEMX_HOME", value_name = "DIR")]
    home: Option<PathBuf>,
    /// Language: de or en [default: the system's]
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Open on two fresh demo installations (in a new temporary folder)
    #[arg(long)]
    demo: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let lang = bemx_i18n::choose(args.lang.as_deref().and_then(bemx_i18n::Lang::parse), |v| std::env::var(v).ok());
    bemx_i18n::apply(lang, &bemx_app::CATALOGUES);

    if args.demo {
        // Kept for the life of the window; removed when it closes.
        let dir = tempfile::Builder::new().prefix("bemx-demo-").tempdir()?;
        let (anna, bernd) = bemx_app::demo::pair(dir.path()).map_err(|p| anyhow::anyhow!(p.message))?;
        let app = App::new(anna).with_demo_partner(bernd);
        run(app, Some(dir))
    } else {
        let root = match args.home {
            Some(root) => root,
            None => {
                Home::default_root().ok_or_else(|| anyhow::anyhow!("no data folder (APPDATA or HOME is not set)"))?
            }
        };
        let mut app = App::new(Home::locate(root, None));
        if let Some(file) = args.file {
            app.open_file(file);
        }
        run(app, None)
    }
}

/// Opens the window; returns when it is closed.
fn run(app: App, keep: Option<tempfile::TempDir>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("bemx – Klientenübergabe")
            .with_inner_size(bemx_app::WINDOW_SIZE)
            .with_min_inner_size([800.0, 560.0]),
        ..Default::default()
    };
    let result = eframe::run_native("bemx", options, Box::new(|_| Ok(Box::new(Window(app)))));
    drop(keep);
    result.map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}

/// eframe's side of the app.
struct Window(App);

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.show(ui);
    }
}
