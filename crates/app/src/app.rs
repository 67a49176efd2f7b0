//! The window: a navigation on the left, one screen at a time on the
//! right, and at most one piece of long work running (see [`crate::job`]).
//! Every control carries its visible text as its accessible label, which
//! is what screen readers announce and what the tests click.

use std::path::PathBuf;
use std::sync::Arc;

use bemx_db::ClientSummary;
use bemx_identity::{AddOutcome, Contact, ContactCard, Fingerprint, Identity, SecretString};
use bemx_import::ImportReport;
use bemx_install::Home;
use bemx_install::audit::Entry;
use bemx_install::backup::{BackupInfo, BackupKind, BackupUsage};
use bemx_install::handover::{ConfirmReport, HandoverSummary};
use bemx_install::restore::RestoreReport;
use bemx_pack::ExportReport;
use egui::{RichText, Ui};
use zeroize::{Zeroize as _, Zeroizing};

use crate::Problem;
use crate::i18n::fl;
use crate::job::{Job, Shown};
use crate::ops::{self, ExportOrder, PendingImport, PendingRestore};

/// The screens of the navigation, and the two before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Screen {
    /// No installation yet: set one up.
    Setup,
    /// The keys are protected: ask for the passphrase.
    Unlock,
    /// Klienten übergeben (export).
    Export,
    /// Klienten übernehmen (import).
    Import,
    /// Empfangsbestätigung einlesen (confirm).
    Confirm,
    /// Übergaben (the handovers of this installation).
    Handovers,
    /// Sicherungen (backups).
    Backups,
    /// Kontakte.
    Contacts,
    /// Protokoll (the audit log).
    Audit,
}

impl Screen {
    /// The screens of the navigation, in its order.
    pub const NAVIGATION: [Screen; 7] = [
        Screen::Export,
        Screen::Import,
        Screen::Confirm,
        Screen::Handovers,
        Screen::Backups,
        Screen::Contacts,
        Screen::Audit,
    ];

    /// Its name in the navigation and its heading.
    pub fn title(self) -> String {
        match self {
            Screen::Setup => fl!("app-screen-setup"),
            Screen::Unlock => fl!("app-screen-unlock"),
            Screen::Export => fl!("app-screen-export"),
            Screen::Import => fl!("app-screen-import"),
            Screen::Confirm => fl!("app-screen-confirm"),
            Screen::Handovers => fl!("app-screen-handovers"),
            Screen::Backups => fl!("app-screen-backups"),
            Screen::Contacts => fl!("app-screen-contacts"),
            Screen::Audit => fl!("app-screen-audit"),
        }
    }
}

/// What a finished piece of work brought back.
#[derive(Debug)]
enum Outcome {
    SetUp(Identity),
    Unlocked(Identity),
    Exported(ExportReport),
    Previewed(Box<PendingImport>),
    Imported(ImportReport),
    Burned,
    ReceiptChecked { bundle: String, clients: Vec<String>, receipt: Arc<Vec<u8>> },
    CardRead(Box<ContactCard>),
    Confirmed(ConfirmReport),
    Cancelled { bundle: String, clients: usize },
    BackedUp(BackupInfo),
    RestorePrepared(Box<PendingRestore>),
    Restored(RestoreReport),
}

/// What a piece of work allows while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Quick or read-only work.
    Plain,
    /// An import or export: warned about, and cancellable before its
    /// commit through the library's cancel flag.
    Cancellable,
    /// A restore's commit: warned about, not cancellable.
    Careful,
}

/// The one piece of work in flight, with what to call it.
#[derive(Debug)]
struct Running {
    job: Job<Outcome>,
    /// Shown above the bar.
    label: String,
    kind: Kind,
}

/// A message above the screen: the result of the last action, or why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// It worked.
    Done(String),
    /// It failed: the message and, apart, the advice.
    Failed(Problem),
}

/// Where an export stands.
#[derive(Debug, Default)]
enum ExportStep {
    #[default]
    Choose,
    Summary,
    Done(ExportReport),
}

/// Where an import stands.
#[derive(Debug, Default)]
enum ImportStep {
    #[default]
    Pick,
    Preview(Box<PendingImport>),
    Done(Box<ImportReport>),
}

/// Where a confirm stands.
#[derive(Debug, Default)]
enum ConfirmStep {
    #[default]
    Pick,
    Preview {
        bundle: String,
        clients: Vec<String>,
        receipt: Arc<Vec<u8>>,
    },
    Done(ConfirmReport),
}

/// The desktop app.
#[derive(Debug)]
pub struct App {
    home: Home,
    identity: Option<Arc<Identity>>,
    card: Option<ContactCard>,
    screen: Screen,
    running: Option<Running>,
    notice: Option<Notice>,
    /// The window was asked to close while an import or export ran.
    close_asked: bool,
    /// Closing was confirmed: close as soon as the work has ended.
    close_when_done: bool,
    /// A demo pair: the other installation, to switch to.
    demo_other: Option<Home>,
    /// The theme and text sizes were set.
    styled: bool,
    /// The screen a file opened with the app asks for, once unlocked.
    opened: Option<Screen>,

    // First start and unlock.
    setup_name: String,
    setup_protect: bool,
    /// Typed passphrases: zeroized when used or dropped (see `forget_secrets`).
    setup_pass: Zeroizing<String>,
    setup_pass2: Zeroizing<String>,
    setup_done: bool,
    unlock_pass: Zeroizing<String>,

    // Lists, loaded when their screen opens.
    clients: Vec<ClientSummary>,
    contacts: Vec<Contact>,
    handovers: Vec<HandoverSummary>,
    backups: Vec<BackupInfo>,
    backup_usage: Option<BackupUsage>,
    audit: Vec<Entry>,

    // Klienten übergeben.
    export_step: ExportStep,
    search: String,
    show_handed_over: bool,
    selected: std::collections::BTreeSet<String>,
    recipient: Option<Fingerprint>,
    target_folder: String,
    drives: Vec<crate::drives::Drive>,
    file_name: String,
    reason: String,
    /// The client whose consent is being recorded (UUID, BEM-ID), and the
    /// date typed for it.
    consent_for: Option<(String, String)>,
    consent_date: String,

    // Klienten übernehmen.
    import_step: ImportStep,
    bundle_path: String,

    // Empfangsbestätigung.
    confirm_step: ConfirmStep,
    receipt_path: String,

    // Übergaben.
    cancel_asked: Option<String>,

    // Sicherungen.
    /// A backup the user asked to delete, waiting for the answer.
    delete_asked: Option<String>,
    /// A restore waiting for its answer (it holds the installation lock).
    restore: Option<Box<PendingRestore>>,

    // Kontakte.
    card_path: String,
    card_save_path: String,
    card_offered: Option<ContactCard>,
    remove_asked: Option<Fingerprint>,
}

impl App {
    /// The app on the installation `home`: the first start when there is
    /// none, the passphrase when its keys are protected, else the export.
    pub fn new(home: Home) -> Self {
        home.clean_leftovers();
        let mut app = Self {
            home,
            identity: None,
            card: None,
            screen: Screen::Setup,
            running: None,
            notice: None,
            close_asked: false,
            close_when_done: false,
            demo_other: None,
            styled: false,
            opened: None,
            setup_name: String::new(),
            setup_protect: false,
            setup_pass: secret_buffer(),
            setup_pass2: secret_buffer(),
            setup_done: false,
            unlock_pass: secret_buffer(),
            clients: Vec::new(),
            contacts: Vec::new(),
            handovers: Vec::new(),
            backups: Vec::new(),
            backup_usage: None,
            audit: Vec::new(),
            export_step: ExportStep::Choose,
            search: String::new(),
            show_handed_over: false,
            selected: Default::default(),
            recipient: None,
            target_folder: String::new(),
            drives: Vec::new(),
            file_name: String::new(),
            reason: String::new(),
            consent_for: None,
            consent_date: String::new(),
            import_step: ImportStep::Pick,
            bundle_path: String::new(),
            confirm_step: ConfirmStep::Pick,
            receipt_path: String::new(),
            cancel_asked: None,
            delete_asked: None,
            restore: None,
            card_path: String::new(),
            card_save_path: String::new(),
            card_offered: None,
            remove_asked: None,
        };
        app.open_installation();
        app
    }

    /// A demo pair: opens on `home`, offering to switch to `other`.
    pub fn with_demo_partner(mut self, other: Home) -> Self {
        self.demo_other = Some(other);
        self
    }

    /// Opens a file given on the command line (a double-click in the file
    /// manager) or dropped onto the window: a receipt goes to the confirm
    /// screen, anything else to the import, with its path filled in. The
    /// user still presses the button that checks it.
    pub fn open_file(&mut self, path: PathBuf) {
        let is_receipt = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("receipt"));
        if is_receipt {
            self.receipt_path = path.display().to_string();
            self.confirm_step = ConfirmStep::Pick;
        } else {
            self.bundle_path = path.display().to_string();
            self.import_step = ImportStep::Pick;
        }
        self.opened = Some(if is_receipt { Screen::Confirm } else { Screen::Import });
        if self.identity.is_some() {
            self.go(if is_receipt { Screen::Confirm } else { Screen::Import });
        }
    }

    /// The screen shown.
    pub fn screen(&self) -> Screen {
        self.screen
    }

    /// Whether work is running (the tests wait for it).
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// The message above the screen.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// The installation shown.
    pub fn home(&self) -> &Home {
        &self.home
    }

    fn open_installation(&mut self) {
        self.identity = None;
        self.card = None;
        if !self.home.exists() {
            self.screen = Screen::Setup;
            self.setup_done = false;
            return;
        }
        match ops::needs_passphrase(&self.home) {
            Ok(true) => self.screen = Screen::Unlock,
            Ok(false) => match ops::unlock(&self.home, None) {
                Ok(identity) => self.unlocked(identity),
                Err(p) => {
                    self.screen = Screen::Unlock;
                    self.notice = Some(Notice::Failed(p));
                }
            },
            Err(p) => {
                self.screen = Screen::Unlock;
                self.notice = Some(Notice::Failed(p));
            }
        }
    }

    fn unlocked(&mut self, identity: Identity) {
        self.card = Some(identity.contact_card());
        self.identity = Some(Arc::new(identity));
        // A file opened with the app decides where it starts.
        let first = self.opened.take().unwrap_or(Screen::Export);
        self.go(first);
    }

    /// Switches to `screen` and loads what it lists.
    fn go(&mut self, screen: Screen) {
        if screen != Screen::Backups {
            // Leaving the question is "no": the lock it holds is released
            // and the decrypted copy wiped.
            self.restore = None;
        }
        if screen != Screen::Import {
            // Leaving a preview releases its lock (a new preview shows the
            // installation as it is then); leaving a result ends its offer
            // to burn the bundle.
            self.import_step = ImportStep::Pick;
        }
        if screen != Screen::Confirm && !matches!(self.confirm_step, ConfirmStep::Pick) {
            self.confirm_step = ConfirmStep::Pick;
        }
        self.screen = screen;
        self.refresh();
    }

    /// Reloads the lists of the screen shown.
    fn refresh(&mut self) {
        let result = match self.screen {
            Screen::Export => ops::clients(&self.home, self.show_handed_over)
                .map(|c| {
                    self.clients = c;
                    // Asked once per visit, not every frame: probing disks
                    // can wake sleeping ones.
                    self.drives = crate::drives::removable();
                })
                .and_then(|()| ops::contacts(&self.home).map(|c| self.contacts = c)),
            Screen::Handovers => ops::handovers(&self.home).map(|h| self.handovers = h),
            Screen::Backups => match &self.identity {
                Some(identity) => ops::backups(&self.home, identity).map(|(list, usage)| {
                    self.backups = list;
                    self.backup_usage = usage;
                }),
                None => Ok(()),
            },
            Screen::Contacts => ops::contacts(&self.home).map(|c| self.contacts = c),
            Screen::Audit => ops::audit(&self.home).map(|a| self.audit = a),
            _ => Ok(()),
        };
        if let Err(p) = result {
            self.notice = Some(Notice::Failed(p));
        }
    }

    /// Starts `work` on a worker thread with the installation and identity.
    fn start(
        &mut self,
        ctx: &egui::Context,
        label: String,
        kind: Kind,
        work: impl FnOnce(
            &Home,
            Option<&Identity>,
            &mut dyn bemx_format::progress::Progress,
            &std::sync::atomic::AtomicBool,
        ) -> Result<Outcome, Problem>
        + Send
        + 'static,
    ) {
        if self.running.is_some() {
            return;
        }
        self.notice = None;
        let home = self.home.clone();
        let identity = self.identity.clone();
        let job = Job::start(ctx, move |progress, cancel| work(&home, identity.as_deref(), progress, cancel));
        self.running = Some(Running { job, label, kind });
    }

    /// Takes the result of finished work.
    fn poll(&mut self) {
        let Some(result) = self.running.as_ref().and_then(|r| r.job.poll()) else { return };
        let finished = self.running.take();
        if self.close_when_done && result.is_ok() && finished.is_some_and(|r| r.kind == Kind::Cancellable) {
            // The work got past its commit before the cancel reached it:
            // the user must see what was done, so the window stays open.
            self.close_when_done = false;
            self.notice = Some(Notice::Done(fl!("app-close-too-late")));
        }
        match result {
            Ok(outcome) => self.apply(outcome),
            Err(problem) => self.notice = Some(Notice::Failed(problem)),
        }
    }

    fn apply(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::SetUp(identity) => {
                self.card = Some(identity.contact_card());
                self.identity = Some(Arc::new(identity));
                self.setup_done = true;
            }
            Outcome::Unlocked(identity) => {
                self.unlocked(identity);
            }
            Outcome::Exported(report) => {
                self.selected.clear();
                self.reason.clear();
                self.file_name.clear();
                self.export_step = ExportStep::Done(report);
                self.refresh();
            }
            Outcome::Previewed(pending) => self.import_step = ImportStep::Preview(pending),
            Outcome::Imported(report) => self.import_step = ImportStep::Done(Box::new(report)),
            Outcome::Burned => {
                if let ImportStep::Done(report) = &mut self.import_step {
                    report.burned = true;
                }
                self.notice = Some(Notice::Done(fl!("app-import-done-burned")));
            }
            // The bytes that were checked are the ones confirm gets.
            Outcome::ReceiptChecked { bundle, clients, receipt } => {
                self.confirm_step = ConfirmStep::Preview { bundle, clients, receipt };
            }
            Outcome::CardRead(card) => self.card_offered = Some(*card),
            Outcome::Confirmed(report) => self.confirm_step = ConfirmStep::Done(report),
            Outcome::Cancelled { bundle, clients } => {
                self.notice = Some(Notice::Done(fl!(
                    "app-handover-cancelled",
                    id = bemx_i18n::short_id(&bundle),
                    clients = clients
                )));
                self.refresh();
            }
            Outcome::BackedUp(info) => {
                self.notice = Some(Notice::Done(fl!("app-backup-created", name = info.name.as_str())));
                self.refresh();
            }
            Outcome::RestorePrepared(prepared) => self.restore = Some(prepared),
            Outcome::Restored(report) => {
                let mut text = fl!("app-backup-restored", name = report.restored.as_str());
                if let Some(previous) = &report.previous_state_backup {
                    text.push('\n');
                    text.push_str(&fl!("app-backup-restored-previous", name = previous.as_str()));
                }
                self.notice = Some(Notice::Done(text));
                self.refresh();
            }
        }
    }

    /// Draws the whole window.
    pub fn show(&mut self, ui: &mut Ui) {
        if !self.styled {
            // Light, as the office programs around it; larger text for reading.
            ui.ctx().set_theme(egui::Theme::Light);
            ui.ctx().all_styles_mut(|style| {
                for font in style.text_styles.values_mut() {
                    font.size *= 1.1;
                }
            });
            self.styled = true;
        }
        self.poll();
        let ctx = ui.ctx().clone();
        self.take_dropped_files(&ctx);
        self.guard_close(&ctx);
        if self.running.is_some() {
            // The worker wakes the window on progress; this keeps the
            // spinner moving between reports.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.identity.is_some() && !matches!(self.screen, Screen::Setup | Screen::Unlock) {
            egui::Panel::top("bemx-top").show(ui, |ui| self.top_bar(ui));
            egui::Panel::left("bemx-navigation").resizable(false).show(ui, |ui| self.navigation(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            // Both ways: a wide table is scrolled to, never cut off.
            egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
                ui.heading(self.screen.title());
                ui.add_space(6.0);
                self.notice_area(ui);
                if let Some(running) = &self.running {
                    progress_area(ui, running);
                    return;
                }
                match self.screen {
                    Screen::Setup => self.setup_screen(ui),
                    Screen::Unlock => self.unlock_screen(ui),
                    Screen::Export => self.export_screen(ui),
                    Screen::Import => self.import_screen(ui),
                    Screen::Confirm => self.confirm_screen(ui),
                    Screen::Handovers => self.handovers_screen(ui),
                    Screen::Backups => self.backups_screen(ui),
                    Screen::Contacts => self.contacts_screen(ui),
                    Screen::Audit => self.audit_screen(ui),
                }
            });
        });
        self.close_dialog(&ctx);
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some(card) = &self.card {
                ui.label(RichText::new(fl!("app-installation", name = card.name.as_str())).strong());
                ui.label(
                    RichText::new(fl!("app-fingerprint-short", fingerprint = card.fingerprint().to_string()))
                        .monospace(),
                );
            }
            if let Some(other) = self.demo_other.clone()
                && self.running.is_none()
                && ui.button(fl!("app-demo-switch")).clicked()
            {
                let current = std::mem::replace(&mut self.home, other);
                self.demo_other = Some(current);
                self.reset_flows();
                self.open_installation();
            }
        });
    }

    fn reset_flows(&mut self) {
        self.export_step = ExportStep::Choose;
        self.import_step = ImportStep::Pick;
        self.confirm_step = ConfirmStep::Pick;
        self.selected.clear();
        self.recipient = None;
        self.restore = None;
        self.card_offered = None;
        self.cancel_asked = None;
        self.delete_asked = None;
        self.remove_asked = None;
        self.notice = None;
    }

    fn navigation(&mut self, ui: &mut Ui) {
        ui.add_space(6.0);
        let enabled = self.running.is_none();
        for screen in Screen::NAVIGATION {
            let button =
                egui::Button::selectable(self.screen == screen, screen.title()).min_size(egui::vec2(200.0, 28.0));
            if ui.add_enabled(enabled, button).clicked() {
                self.notice = None;
                self.go(screen);
            }
        }
    }

    fn notice_area(&mut self, ui: &mut Ui) {
        let Some(notice) = self.notice.clone() else { return };
        let (fill, stroke) = match notice {
            Notice::Done(_) => (egui::Color32::from_rgb(0xe6, 0xf4, 0xe6), egui::Color32::from_rgb(0x2e, 0x7d, 0x32)),
            Notice::Failed(_) => (egui::Color32::from_rgb(0xfd, 0xec, 0xea), egui::Color32::from_rgb(0xb7, 0x1c, 0x1c)),
        };
        egui::Frame::new().fill(fill).stroke((1.0, stroke)).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            match &notice {
                Notice::Done(text) => {
                    ui.label(RichText::new(text).color(egui::Color32::from_rgb(0x1b, 0x5e, 0x20)));
                }
                Notice::Failed(problem) => {
                    ui.label(
                        RichText::new(fl!("app-error", message = problem.message.as_str()))
                            .color(egui::Color32::from_rgb(0x8b, 0x00, 0x00)),
                    );
                    if let Some(hint) = &problem.hint {
                        ui.label(fl!("app-hint", hint = hint.as_str()));
                    }
                }
            }
            if ui.small_button(fl!("app-notice-close")).clicked() {
                self.notice = None;
            }
        });
        ui.add_space(8.0);
    }

    // --- first start and unlock ------------------------------------------

    fn setup_screen(&mut self, ui: &mut Ui) {
        if self.setup_done {
            ui.label(fl!("app-setup-done", folder = self.home.root().display().to_string()));
            ui.add_space(8.0);
            if let Some(card) = self.card.clone() {
                self.own_card(ui, &card);
            }
            ui.add_space(12.0);
            if ui.button(fl!("app-setup-continue")).clicked() {
                self.setup_done = false;
                self.go(Screen::Contacts);
            }
            return;
        }
        ui.label(fl!("app-setup-intro"));
        ui.label(fl!("app-setup-folder", folder = self.home.root().display().to_string()));
        ui.add_space(8.0);
        text_field(ui, &fl!("app-setup-name"), &mut self.setup_name, false);
        ui.checkbox(&mut self.setup_protect, fl!("app-setup-protect"));
        if self.setup_protect {
            text_field(ui, &fl!("app-setup-passphrase"), &mut self.setup_pass, true);
            text_field(ui, &fl!("app-setup-passphrase-again"), &mut self.setup_pass2, true);
        }
        ui.add_space(8.0);
        if ui.button(fl!("app-setup-create")).clicked() {
            let name = self.setup_name.trim().to_owned();
            if name.is_empty() {
                self.notice = Some(Notice::Failed(Problem::new(fl!("app-setup-name-missing"), None)));
                return;
            }
            let passphrase = if self.setup_protect {
                if self.setup_pass.is_empty() {
                    self.notice = Some(Notice::Failed(Problem::new(fl!("app-setup-passphrase-empty"), None)));
                    return;
                }
                if self.setup_pass != self.setup_pass2 {
                    self.notice = Some(Notice::Failed(Problem::new(fl!("app-setup-passphrase-differ"), None)));
                    return;
                }
                Some(SecretString::from(self.setup_pass.as_str()))
            } else {
                None
            };
            forget_secrets(ui.ctx(), &mut [&mut self.setup_pass, &mut self.setup_pass2]);
            self.start(ui.ctx(), fl!("app-setup-running"), Kind::Plain, move |home, _, _, _| {
                ops::setup(home, &name, passphrase.as_ref()).map(Outcome::SetUp)
            });
        }
    }

    fn unlock_screen(&mut self, ui: &mut Ui) {
        ui.label(fl!("app-unlock-intro"));
        text_field(ui, &fl!("app-unlock-passphrase"), &mut self.unlock_pass, true);
        if ui.button(fl!("app-unlock-button")).clicked() {
            let secret = SecretString::from(self.unlock_pass.as_str());
            forget_secrets(ui.ctx(), &mut [&mut self.unlock_pass]);
            // The key derivation takes a second or two: off the UI thread.
            self.start(ui.ctx(), fl!("app-unlock-running"), Kind::Plain, move |home, _, _, _| {
                ops::unlock(home, Some(secret)).map(Outcome::Unlocked)
            });
        }
    }

    /// The own contact card, with the fingerprint large, in groups of
    /// four, for reading out on the phone.
    fn own_card(&mut self, ui: &mut Ui, card: &ContactCard) {
        ui.label(fl!("app-card-intro"));
        ui.label(RichText::new(card.name.as_str()).strong());
        fingerprint_large(ui, &card.fingerprint());
        ui.add_space(6.0);
        path_field(ui, &fl!("app-card-save-path"), &mut self.card_save_path, Browse::Save("bemx-kontakt.txt"));
        if ui.button(fl!("app-card-save")).clicked() {
            let path = PathBuf::from(self.card_save_path.trim());
            self.notice = Some(match ops::save_card(&path, card) {
                Ok(()) => Notice::Done(fl!("app-card-saved", path = path.display().to_string())),
                Err(p) => Notice::Failed(p),
            });
        }
    }

    // --- Klienten übergeben ----------------------------------------------

    fn export_screen(&mut self, ui: &mut Ui) {
        match std::mem::take(&mut self.export_step) {
            ExportStep::Choose => self.export_choose(ui),
            ExportStep::Summary => self.export_summary(ui),
            ExportStep::Done(report) => {
                ui.label(RichText::new(fl!("app-export-done", clients = report.clients.len())).strong());
                ui.label(fl!("app-export-done-file", path = report.path.display().to_string()));
                ui.label(fl!("app-export-done-id", id = bemx_i18n::short_id(&report.bundle_id)));
                ui.add_space(8.0);
                ui.label(fl!("app-export-next"));
                ui.add_space(8.0);
                if ui.button(fl!("app-export-again")).clicked() {
                    self.export_step = ExportStep::Choose;
                } else {
                    self.export_step = ExportStep::Done(report);
                }
            }
        }
    }

    fn export_choose(&mut self, ui: &mut Ui) {
        ui.label(fl!("app-export-intro"));
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            text_field(ui, &fl!("app-export-search"), &mut self.search, false);
            if ui.checkbox(&mut self.show_handed_over, fl!("app-export-show-handed-over")).changed() {
                self.refresh();
            }
        });
        let needle = self.search.trim().to_lowercase();
        let visible: Vec<&ClientSummary> =
            self.clients.iter().filter(|c| needle.is_empty() || c.bem_id.to_lowercase().contains(&needle)).collect();
        if visible.is_empty() {
            ui.label(fl!("app-export-no-clients"));
        }
        let mut record = None;
        egui::Grid::new("clients").striped(true).num_columns(5).show(ui, |ui| {
            ui.label(RichText::new(fl!("app-column-bem-id")).strong());
            ui.label(RichText::new(fl!("app-column-case")).strong());
            ui.label(RichText::new(fl!("app-column-consent")).strong());
            ui.label(RichText::new(fl!("app-column-handover")).strong());
            ui.end_row();
            for c in &visible {
                let mut on = self.selected.contains(&c.uuid);
                let shown = bemx_i18n::printable(&c.bem_id);
                let free = c.handover_bundle.is_none();
                if ui.add_enabled(free, egui::Checkbox::new(&mut on, shown)).changed() {
                    if on {
                        self.selected.insert(c.uuid.clone());
                    } else {
                        self.selected.remove(&c.uuid);
                    }
                }
                ui.label(c.case_status.as_deref().map_or_else(|| "–".to_owned(), case_status));
                ui.label(consent_text(c));
                ui.label(match &c.handover_bundle {
                    Some(b) => fl!("app-handed-over", id = bemx_i18n::short_id(b)),
                    None => "–".to_owned(),
                });
                if free && c.consent_given.is_none() {
                    let label = fl!("app-consent-record-for", client = shown_id(&c.bem_id));
                    let button = ui.button(fl!("app-consent-record")).widget_info_override(&label);
                    if button.clicked() {
                        record = Some((c.uuid.clone(), c.bem_id.clone()));
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
        if record.is_some() {
            self.consent_for = record;
            self.consent_date.clear();
        }
        self.consent_form(ui);
        ui.add_space(8.0);
        ui.label(fl!("app-export-selected", count = self.selected.len()));
        ui.add_space(8.0);

        // Recipient.
        let chosen = self.recipient.and_then(|f| self.contacts.iter().find(|c| c.fingerprint() == f));
        let shown = chosen.map_or_else(|| fl!("app-export-recipient-none"), |c| c.name().to_owned());
        if self.contacts.is_empty() {
            ui.label(fl!("app-export-no-contacts"));
        }
        let combo = egui::ComboBox::from_label(fl!("app-export-recipient")).selected_text(shown).show_ui(ui, |ui| {
            for c in &self.contacts {
                let f = c.fingerprint();
                ui.selectable_value(&mut self.recipient, Some(f), c.name());
            }
        });
        let _ = combo;

        // Target folder: removable drives first.
        ui.add_space(4.0);
        if !self.drives.is_empty() {
            let drives = self.drives.clone();
            ui.horizontal_wrapped(|ui| {
                ui.label(fl!("app-export-drives"));
                for d in &drives {
                    if ui.button(fl!("app-export-drive", drive = d.label.as_str())).clicked() {
                        self.target_folder = d.path.display().to_string();
                    }
                }
            });
        }
        path_field(ui, &fl!("app-export-folder"), &mut self.target_folder, Browse::Folder);
        if self.file_name.is_empty() {
            self.file_name = default_bundle_name();
        }
        text_field(ui, &fl!("app-export-file-name"), &mut self.file_name, false);

        let without: Vec<&ClientSummary> =
            self.clients.iter().filter(|c| self.selected.contains(&c.uuid) && c.consent_given.is_none()).collect();
        if !without.is_empty() {
            ui.add_space(6.0);
            let names: Vec<String> = without.iter().map(|c| bemx_i18n::printable(&c.bem_id)).collect();
            ui.label(RichText::new(fl!("app-export-without-consent", clients = names.join(", "))).strong());
            text_field(ui, &fl!("app-export-reason"), &mut self.reason, false);
        }
        ui.add_space(8.0);
        if ui.button(fl!("app-export-next-button")).clicked() {
            match self.check_export(!without.is_empty()) {
                Ok(()) => self.export_step = ExportStep::Summary,
                Err(p) => self.notice = Some(Notice::Failed(p)),
            }
        }
    }

    /// Records a client's signed consent, on the date of the form.
    fn consent_form(&mut self, ui: &mut Ui) {
        let Some((uuid, bem_id)) = self.consent_for.clone() else { return };
        ui.add_space(6.0);
        ui.label(RichText::new(fl!("app-consent-record-title", client = shown_id(&bem_id))).strong());
        text_field(ui, &fl!("app-consent-date"), &mut self.consent_date, false);
        ui.horizontal(|ui| {
            if ui.button(fl!("app-cancel")).clicked() {
                self.consent_for = None;
            }
            if ui.button(fl!("app-consent-record-yes")).clicked() {
                self.notice = Some(match ops::record_consent(&self.home, &uuid, &self.consent_date) {
                    Ok(change) => {
                        self.consent_for = None;
                        Notice::Done(fl!(
                            "app-consent-recorded",
                            client = shown_id(&change.bem_id),
                            date = bemx_i18n::date(&change.date)
                        ))
                    }
                    Err(p) => Notice::Failed(p),
                });
                self.refresh();
            }
        });
    }

    /// What "Weiter" refuses before the summary; the export checks all
    /// of it again.
    fn check_export(&self, needs_reason: bool) -> Result<(), Problem> {
        if self.selected.is_empty() {
            return Err(Problem::new(fl!("app-export-none-selected"), None));
        }
        if self.recipient.is_none() {
            return Err(Problem::new(fl!("app-export-no-recipient"), Some(fl!("app-export-no-recipient-hint"))));
        }
        let folder = PathBuf::from(self.target_folder.trim());
        if self.target_folder.trim().is_empty() || !folder.is_dir() {
            return Err(Problem::new(
                fl!("app-export-folder-missing", folder = folder.display().to_string()),
                Some(fl!("app-export-folder-missing-hint")),
            ));
        }
        if self.file_name.trim().is_empty() || self.file_name.contains(['/', '\\']) {
            return Err(Problem::new(fl!("app-export-file-name-bad"), None));
        }
        if folder.join(self.bundle_file_name()).exists() {
            return Err(Problem::new(
                fl!("app-export-file-exists", path = folder.join(self.bundle_file_name()).display().to_string()),
                Some(fl!("app-export-file-exists-hint")),
            ));
        }
        if needs_reason {
            ops::check_consent_reason(&self.reason)?;
        }
        Ok(())
    }

    fn bundle_file_name(&self) -> String {
        let name = self.file_name.trim();
        if name.to_lowercase().ends_with(".bemx") { name.to_owned() } else { format!("{name}.bemx") }
    }

    fn export_summary(&mut self, ui: &mut Ui) {
        let output = PathBuf::from(self.target_folder.trim()).join(self.bundle_file_name());
        let chosen: Vec<ClientSummary> =
            self.clients.iter().filter(|c| self.selected.contains(&c.uuid)).cloned().collect();
        let contact = self.recipient.and_then(|f| self.contacts.iter().find(|c| c.fingerprint() == f)).cloned();
        ui.label(RichText::new(fl!("app-export-summary", clients = chosen.len())).strong());
        for c in &chosen {
            ui.label(format!("• {}", bemx_i18n::printable(&c.bem_id)));
        }
        if let Some(contact) = &contact {
            ui.label(fl!("app-export-summary-to", name = contact.name()));
            fingerprint_large(ui, &contact.fingerprint());
        }
        ui.label(fl!("app-export-summary-file", path = output.display().to_string()));
        // Who goes without a recorded consent, and why: bound to the
        // export, which refuses if it finds another set.
        let unconsented: Vec<&ClientSummary> = chosen.iter().filter(|c| c.consent_given.is_none()).collect();
        if !unconsented.is_empty() {
            let names: Vec<String> = unconsented.iter().map(|c| bemx_i18n::printable(&c.bem_id)).collect();
            ui.label(RichText::new(fl!("app-export-without-consent", clients = names.join(", "))).strong());
            ui.label(fl!("app-export-summary-reason", reason = bemx_i18n::printable(&self.reason)));
        }
        ui.label(fl!("app-export-summary-after"));
        ui.add_space(8.0);
        let mut back = false;
        ui.horizontal(|ui| {
            if ui.button(fl!("app-back")).clicked() {
                back = true;
            }
            if ui.button(fl!("app-export-start")).clicked()
                && let Some(recipient) = self.recipient
            {
                let confirmed: Vec<String> =
                    chosen.iter().filter(|c| c.consent_given.is_none()).map(|c| c.uuid.clone()).collect();
                let order = ExportOrder {
                    clients: chosen.iter().map(|c| c.uuid.clone()).collect(),
                    recipient,
                    output: output.clone(),
                    without_consent: (!confirmed.is_empty()).then(|| self.reason.clone()),
                    confirmed_without_consent: confirmed,
                };
                self.start(
                    ui.ctx(),
                    fl!("app-export-running"),
                    Kind::Cancellable,
                    move |home, identity, progress, cancel| {
                        let identity = identity.ok_or_else(locked)?;
                        ops::export(home, identity, &order, progress, cancel).map(Outcome::Exported)
                    },
                );
            }
        });
        self.export_step = if back { ExportStep::Choose } else { ExportStep::Summary };
    }

    // --- Klienten übernehmen ---------------------------------------------

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        let Some(path) = dropped.into_iter().next() else { return };
        if self.running.is_some() || self.identity.is_none() {
            return;
        }
        self.notice = None;
        self.open_file(path);
    }

    fn import_screen(&mut self, ui: &mut Ui) {
        match std::mem::take(&mut self.import_step) {
            ImportStep::Pick => {
                ui.label(fl!("app-import-intro"));
                ui.add_space(4.0);
                path_field(ui, &fl!("app-import-file"), &mut self.bundle_path, Browse::Open("bemx"));
                ui.label(fl!("app-import-drop"));
                ui.add_space(8.0);
                if ui.button(fl!("app-import-check")).clicked() {
                    let path = PathBuf::from(self.bundle_path.trim());
                    self.start(ui.ctx(), fl!("app-import-checking"), Kind::Plain, move |home, identity, _, _| {
                        let identity = identity.ok_or_else(locked)?;
                        ops::preview_import(home, identity, &path).map(|p| Outcome::Previewed(Box::new(p)))
                    });
                }
            }
            ImportStep::Preview(pending) => self.import_preview(ui, pending),
            ImportStep::Done(report) => {
                ui.label(RichText::new(fl!("app-import-done", clients = report.clients.len())).strong());
                ui.label(fl!("app-import-done-backup", name = report.safety_backup.as_str()));
                if !report.backups_deleted.is_empty() {
                    ui.label(fl!("app-import-done-backups-deleted", backups = report.backups_deleted.join(", ")));
                }
                for (old, new) in &report.renamed {
                    ui.label(fl!(
                        "app-import-renamed",
                        old = bemx_i18n::printable(old),
                        new = bemx_i18n::printable(new)
                    ));
                }
                ui.label(
                    RichText::new(fl!("app-import-done-receipt", path = report.receipt.display().to_string())).strong(),
                );
                if report.burned {
                    ui.label(fl!("app-import-done-burned"));
                } else if ui.button(fl!("app-import-burn")).clicked() {
                    let bundle = report.bundle_file.clone();
                    self.start(ui.ctx(), fl!("app-import-burning"), Kind::Plain, move |_, _, _, _| {
                        ops::burn(&bundle).map(|()| Outcome::Burned)
                    });
                }
                for w in &report.warnings {
                    ui.label(fl!("app-warning", warning = w.as_str()));
                }
                ui.add_space(8.0);
                ui.label(fl!("app-import-next"));
                ui.add_space(8.0);
                if ui.button(fl!("app-import-another")).clicked() {
                    self.bundle_path.clear();
                    self.import_step = ImportStep::Pick;
                } else {
                    self.import_step = ImportStep::Done(report);
                }
            }
        }
    }

    /// The preview, holding the lock until the answer: "Abbrechen"
    /// drops it, "Import starten" hands it to the import.
    fn import_preview(&mut self, ui: &mut Ui, pending: Box<PendingImport>) {
        let p = pending.preview();
        ui.label(RichText::new(fl!("app-import-preview")).strong());
        egui::Grid::new("import-preview").num_columns(2).show(ui, |ui| {
            ui.label(fl!("app-import-preview-file"));
            ui.label(p.bundle_path.display().to_string());
            ui.end_row();
            ui.label(fl!("app-import-preview-from"));
            ui.label(bemx_i18n::printable(&p.sender_name));
            ui.end_row();
            ui.label(fl!("app-import-preview-created"));
            ui.label(bemx_i18n::datetime_of(&p.created));
            ui.end_row();
            ui.label(fl!("app-import-preview-into"));
            ui.label(p.database.display().to_string());
            ui.end_row();
        });
        ui.label(fl!("app-import-preview-fingerprint"));
        if let Ok(f) = Fingerprint::parse(&p.sender_fingerprint) {
            fingerprint_large(ui, &f);
        }
        ui.add_space(4.0);
        ui.label(
            RichText::new(fl!("app-import-preview-clients", clients = p.incoming.len(), documents = p.documents))
                .strong(),
        );
        for (c, stored) in p.incoming.iter().zip(&p.stored_as) {
            let mut line = format!("• {}", bemx_i18n::printable(&c.bem_id));
            if let Some(status) = &c.case_status {
                line.push_str(&format!(" ({})", case_status(status)));
            }
            if let Some(stored) = stored {
                line.push_str(&format!(
                    " {}",
                    fl!("app-import-preview-renamed", stored = bemx_i18n::printable(stored))
                ));
            }
            ui.label(line);
        }
        if !p.backups_to_delete.is_empty() {
            ui.label(fl!("app-import-preview-deletes", backups = p.backups_to_delete.join(", ")));
        }
        ui.label(fl!("app-import-preview-backup"));
        ui.add_space(8.0);
        let mut answer = None;
        ui.horizontal(|ui| {
            if ui.button(fl!("app-cancel")).clicked() {
                answer = Some(false);
            }
            if ui.button(fl!("app-import-start")).clicked() {
                answer = Some(true);
            }
        });
        match answer {
            Some(false) => {}
            Some(true) => {
                self.start(
                    ui.ctx(),
                    fl!("app-import-running"),
                    Kind::Cancellable,
                    move |home, identity, progress, cancel| {
                        let identity = identity.ok_or_else(locked)?;
                        ops::import(home, identity, *pending, progress, cancel).map(Outcome::Imported)
                    },
                );
            }
            None => self.import_step = ImportStep::Preview(pending),
        }
    }

    // --- Empfangsbestätigung ---------------------------------------------

    fn confirm_screen(&mut self, ui: &mut Ui) {
        match std::mem::take(&mut self.confirm_step) {
            ConfirmStep::Pick => {
                ui.label(fl!("app-confirm-intro"));
                path_field(ui, &fl!("app-confirm-file"), &mut self.receipt_path, Browse::Open("receipt"));
                if ui.button(fl!("app-confirm-check")).clicked() {
                    let path = PathBuf::from(self.receipt_path.trim());
                    self.start(ui.ctx(), fl!("app-confirm-checking"), Kind::Plain, move |home, identity, _, _| {
                        let identity = identity.ok_or_else(locked)?;
                        // Read once: these bytes are previewed and confirmed.
                        let receipt = Arc::new(ops::read_receipt(&path)?);
                        let (bundle, clients) = ops::receipt_clients(home, identity, &receipt)?;
                        Ok(Outcome::ReceiptChecked { bundle, clients, receipt })
                    });
                }
            }
            ConfirmStep::Preview { bundle, clients, receipt } => {
                ui.label(
                    RichText::new(fl!("app-confirm-preview", id = bemx_i18n::short_id(&bundle), count = clients.len()))
                        .strong(),
                );
                for c in &clients {
                    ui.label(format!("• {}", bemx_i18n::printable(c)));
                }
                ui.label(fl!("app-confirm-warning"));
                ui.add_space(8.0);
                let mut back = false;
                ui.horizontal(|ui| {
                    if ui.button(fl!("app-cancel")).clicked() {
                        back = true;
                    }
                    if ui.button(fl!("app-confirm-start")).clicked() {
                        let bytes = Arc::clone(&receipt);
                        self.start(ui.ctx(), fl!("app-confirm-running"), Kind::Plain, move |home, identity, _, _| {
                            let identity = identity.ok_or_else(locked)?;
                            ops::confirm(home, identity, &bytes).map(Outcome::Confirmed)
                        });
                    }
                });
                self.confirm_step =
                    if back { ConfirmStep::Pick } else { ConfirmStep::Preview { bundle, clients, receipt } };
            }
            ConfirmStep::Done(report) => {
                let rows: u64 = report.rows_deleted.iter().map(|(_, n)| n).sum();
                ui.label(
                    RichText::new(fl!(
                        "app-confirm-done",
                        id = bemx_i18n::short_id(&report.bundle_id),
                        clients = report.clients,
                        rows = rows
                    ))
                    .strong(),
                );
                if !report.still_in_backups.is_empty() {
                    ui.label(fl!("app-confirm-still-in-backups", backups = report.still_in_backups.join(", ")));
                }
                if ui.button(fl!("app-confirm-another")).clicked() {
                    self.receipt_path.clear();
                    self.confirm_step = ConfirmStep::Pick;
                } else {
                    self.confirm_step = ConfirmStep::Done(report);
                }
            }
        }
    }

    // --- Übergaben -------------------------------------------------------

    fn handovers_screen(&mut self, ui: &mut Ui) {
        if self.handovers.is_empty() {
            ui.label(fl!("app-handovers-none"));
            return;
        }
        let mut cancel = None;
        egui::Grid::new("handovers").striped(true).num_columns(5).show(ui, |ui| {
            for h in [
                fl!("app-column-bundle"),
                fl!("app-column-state"),
                fl!("app-column-clients"),
                fl!("app-column-recipient"),
                fl!("app-column-exported"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.label("");
            ui.end_row();
            for h in &self.handovers {
                ui.label(id_text(&h.bundle_id));
                ui.label(state_text(&h.state));
                ui.label(h.clients.to_string());
                ui.label(bemx_i18n::printable(&h.recipient_name));
                ui.label(bemx_i18n::datetime_of(&h.created_at));
                if h.state == "open" {
                    let label = fl!("app-handover-cancel", id = bemx_i18n::short_id(&h.bundle_id));
                    if ui.button(label).clicked() {
                        cancel = Some(h.bundle_id.clone());
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
        if cancel.is_some() {
            self.cancel_asked = cancel;
        }
        if let Some(id) = self.cancel_asked.clone() {
            ui.add_space(8.0);
            ui.label(RichText::new(fl!("app-handover-cancel-question", id = bemx_i18n::short_id(&id))).strong());
            ui.horizontal(|ui| {
                if ui.button(fl!("app-no")).clicked() {
                    self.cancel_asked = None;
                }
                if ui.button(fl!("app-handover-cancel-yes")).clicked() {
                    self.cancel_asked = None;
                    self.start(ui.ctx(), fl!("app-handover-cancelling"), Kind::Plain, move |home, _, _, _| {
                        ops::cancel_handover(home, &id).map(|(bundle, clients)| Outcome::Cancelled { bundle, clients })
                    });
                }
            });
        }
    }

    // --- Sicherungen -----------------------------------------------------

    fn backups_screen(&mut self, ui: &mut Ui) {
        if let Some(prepared) = self.restore.take() {
            self.restore_question(ui, prepared);
            return;
        }
        ui.label(fl!("app-backups-intro", folder = self.home.backups_dir().display().to_string()));
        if let Some(usage) = &self.backup_usage {
            ui.label(fl!(
                "app-backups-usage",
                count = usage.count,
                total = bemx_install::space::human_bytes(usage.total),
                free = bemx_install::space::human_bytes(usage.free)
            ));
            if usage.crowded() {
                ui.label(RichText::new(fl!("app-warning", warning = usage.warning())).strong());
            }
        }
        if ui.button(fl!("app-backup-create")).clicked() {
            self.start(ui.ctx(), fl!("app-backup-creating"), Kind::Plain, |home, identity, _, _| {
                let identity = identity.ok_or_else(locked)?;
                ops::create_backup(home, identity).map(Outcome::BackedUp)
            });
        }
        ui.add_space(8.0);
        if self.backups.is_empty() {
            ui.label(fl!("app-backups-none"));
            return;
        }
        let mut restore = None;
        let mut delete = None;
        egui::Grid::new("backups").striped(true).num_columns(7).show(ui, |ui| {
            for h in [
                fl!("app-column-backup"),
                fl!("app-column-kind"),
                fl!("app-column-written"),
                fl!("app-column-size"),
                fl!("app-column-signed"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.label("");
            ui.end_row();
            for b in &self.backups {
                // Fixed-width: the names and sizes are digits, whose
                // widths would move the columns from backup to backup.
                ui.label(RichText::new(b.name.as_str()).monospace());
                ui.label(kind_text(b.kind));
                ui.label(if b.created.is_empty() { String::new() } else { bemx_i18n::datetime_of(&b.created) });
                ui.label(RichText::new(bemx_install::space::human_bytes(b.size)).monospace());
                ui.label(if b.signed { fl!("app-yes") } else { fl!("app-no") });
                // Short on screen; the accessible label names the backup,
                // so a screen reader (and a test) can tell the rows apart.
                let label = fl!("app-backup-restore", name = b.name.as_str());
                let button =
                    ui.button(fl!("app-backup-restore-short")).on_hover_text(&label).widget_info_override(&label);
                if button.clicked() {
                    restore = Some(b.name.clone());
                }
                let label = fl!("app-backup-delete", name = b.name.as_str());
                if ui.button(fl!("app-backup-delete-short")).widget_info_override(&label).clicked() {
                    delete = Some(b.name.clone());
                }
                ui.end_row();
            }
        });
        if delete.is_some() {
            self.delete_asked = delete;
        }
        if let Some(name) = self.delete_asked.clone() {
            ui.add_space(8.0);
            ui.label(RichText::new(fl!("app-backup-delete-question", name = name.as_str())).strong());
            ui.horizontal(|ui| {
                if ui.button(fl!("app-no")).clicked() {
                    self.delete_asked = None;
                }
                if ui.button(fl!("app-backup-delete-yes")).clicked() {
                    self.delete_asked = None;
                    self.notice = Some(match ops::delete_backup(&self.home, &name) {
                        Ok(()) => Notice::Done(fl!("app-backup-deleted", name = name.as_str())),
                        Err(p) => Notice::Failed(p),
                    });
                    self.refresh();
                }
            });
        }
        if let Some(name) = restore {
            self.start(ui.ctx(), fl!("app-backup-preparing"), Kind::Plain, move |home, identity, _, _| {
                let identity = identity.ok_or_else(locked)?;
                ops::prepare_restore(home, identity, &name).map(|p| Outcome::RestorePrepared(Box::new(p)))
            });
        }
    }

    fn restore_question(&mut self, ui: &mut Ui, prepared: Box<PendingRestore>) {
        ui.label(RichText::new(fl!("app-restore-question", name = prepared.name())).strong());
        let changes = prepared.changes();
        if changes.disappear.is_empty() && changes.come_back.is_empty() {
            ui.label(fl!("app-restore-same-clients"));
        }
        if !changes.disappear.is_empty() {
            let names: Vec<String> = changes.disappear.iter().map(|b| bemx_i18n::printable(b)).collect();
            ui.label(fl!("app-restore-disappear", clients = names.join(", ")));
        }
        if !changes.come_back.is_empty() {
            let names: Vec<String> = changes.come_back.iter().map(|b| bemx_i18n::printable(b)).collect();
            ui.label(fl!("app-restore-come-back", clients = names.join(", ")));
        }
        ui.label(fl!("app-restore-previous-kept"));
        ui.add_space(8.0);
        let mut answer = None;
        ui.horizontal(|ui| {
            if ui.button(fl!("app-cancel")).clicked() {
                answer = Some(false);
            }
            if ui.button(fl!("app-restore-yes")).clicked() {
                answer = Some(true);
            }
        });
        match answer {
            // Dropping the prepared restore wipes its decrypted copy.
            Some(false) => drop(prepared),
            Some(true) => {
                self.start(ui.ctx(), fl!("app-restore-running"), Kind::Careful, move |home, identity, _, _| {
                    let identity = identity.ok_or_else(locked)?;
                    ops::commit_restore(home, identity, *prepared).map(Outcome::Restored)
                })
            }
            None => self.restore = Some(prepared),
        }
    }

    // --- Kontakte --------------------------------------------------------

    fn contacts_screen(&mut self, ui: &mut Ui) {
        if let Some(card) = self.card.clone() {
            ui.label(RichText::new(fl!("app-contacts-own")).strong());
            self.own_card(ui, &card);
        }
        ui.separator();
        ui.label(RichText::new(fl!("app-contacts-add-title")).strong());
        if let Some(card) = self.card_offered.clone() {
            ui.label(fl!("app-contacts-compare", name = bemx_i18n::printable(&card.name)));
            fingerprint_large(ui, &card.fingerprint());
            ui.horizontal(|ui| {
                if ui.button(fl!("app-cancel")).clicked() {
                    self.card_offered = None;
                }
                if ui.button(fl!("app-contacts-trust")).clicked() {
                    self.card_offered = None;
                    let name = card.name.clone();
                    let result = match &self.card {
                        Some(own) => ops::add_contact(&self.home, own, card),
                        None => Err(locked()),
                    };
                    self.notice = Some(match result {
                        Ok(AddOutcome::AlreadyTrusted) => {
                            Notice::Done(fl!("app-contacts-already", name = name.as_str()))
                        }
                        Ok(_) => Notice::Done(fl!("app-contacts-added", name = name.as_str())),
                        Err(p) => Notice::Failed(p),
                    });
                    self.refresh();
                }
            });
        } else {
            path_field(ui, &fl!("app-contacts-card-file"), &mut self.card_path, Browse::Open("txt"));
            if ui.button(fl!("app-contacts-read")).clicked() {
                let path = PathBuf::from(self.card_path.trim());
                self.start(ui.ctx(), fl!("app-contacts-reading"), Kind::Plain, move |_, _, _, _| {
                    ops::read_card(&path).map(|c| Outcome::CardRead(Box::new(c)))
                });
            }
        }
        ui.separator();
        ui.label(RichText::new(fl!("app-contacts-list")).strong());
        if self.contacts.is_empty() {
            ui.label(fl!("app-contacts-none"));
        }
        let mut remove = None;
        egui::Grid::new("contacts").striped(true).num_columns(3).show(ui, |ui| {
            for c in &self.contacts {
                ui.label(bemx_i18n::printable(c.name()));
                ui.label(RichText::new(c.fingerprint().to_string()).monospace());
                if ui.button(fl!("app-contacts-remove", name = bemx_i18n::printable(c.name()))).clicked() {
                    remove = Some(c.fingerprint());
                }
                ui.end_row();
            }
        });
        if remove.is_some() {
            self.remove_asked = remove;
        }
        if let Some(f) = self.remove_asked {
            let name =
                self.contacts.iter().find(|c| c.fingerprint() == f).map(|c| c.name().to_owned()).unwrap_or_default();
            ui.label(RichText::new(fl!("app-contacts-remove-question", name = bemx_i18n::printable(&name))).strong());
            ui.horizontal(|ui| {
                if ui.button(fl!("app-no")).clicked() {
                    self.remove_asked = None;
                }
                if ui.button(fl!("app-contacts-remove-yes")).clicked() {
                    self.remove_asked = None;
                    self.notice = Some(match ops::remove_contact(&self.home, &f) {
                        Ok(c) => Notice::Done(fl!("app-contacts-removed", name = bemx_i18n::printable(c.name()))),
                        Err(p) => Notice::Failed(p),
                    });
                    self.refresh();
                }
            });
        }
    }

    // --- Protokoll -------------------------------------------------------

    fn audit_screen(&mut self, ui: &mut Ui) {
        ui.label(fl!("app-audit-intro"));
        if self.audit.is_empty() {
            ui.label(fl!("app-audit-none"));
            return;
        }
        egui::Grid::new("audit").striped(true).num_columns(4).show(ui, |ui| {
            for h in
                [fl!("app-column-when"), fl!("app-column-event"), fl!("app-column-bundle"), fl!("app-column-detail")]
            {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for e in &self.audit {
                ui.label(bemx_i18n::datetime_of(&e.at));
                ui.label(event_text(&e.event));
                ui.label(id_text(&e.bundle_id));
                // Ids and counts only (see bemx_install::audit); escaped all the same.
                ui.label(bemx_i18n::printable(&e.detail));
                ui.end_row();
            }
        });
    }

    // --- closing during work ---------------------------------------------

    fn guard_close(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        // No work is cut off by closing: a killed restore would leave its
        // decrypted copy behind, a killed set-up half its keys.
        if self.running.is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if !self.close_when_done {
                self.close_asked = true;
            }
        }
    }

    fn close_dialog(&mut self, ctx: &egui::Context) {
        if self.close_when_done && self.running.is_none() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if !self.close_asked {
            return;
        }
        let Some(kind) = self.running.as_ref().map(|r| r.kind) else {
            self.close_asked = false;
            return;
        };
        let window = egui::Window::new(fl!("app-close-title"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0]);
        window.show(ctx, |ui| {
            if kind == Kind::Cancellable {
                ui.label(fl!("app-close-question"));
            } else {
                ui.label(fl!("app-close-wait"));
            }
            ui.horizontal(|ui| {
                if ui.button(fl!("app-close-keep")).clicked() {
                    self.close_asked = false;
                }
                if kind == Kind::Cancellable {
                    if ui.button(fl!("app-close-cancel")).clicked() {
                        self.close_asked = false;
                        self.close_when_done = true;
                        if let Some(r) = &self.running {
                            r.job.cancel();
                        }
                    }
                } else if ui.button(fl!("app-close-after")).clicked() {
                    self.close_asked = false;
                    self.close_when_done = true;
                }
            });
        });
    }

    /// Asks to close the window, as the window's close button does (the
    /// tests use it).
    pub fn request_close(&mut self, ctx: &egui::Context) {
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Whether the app waits to close until the work has ended.
    pub fn closing(&self) -> bool {
        self.close_when_done
    }
}

/// The progress of the running work, with its cancel button.
fn progress_area(ui: &mut Ui, running: &Running) {
    let shown: Shown = running.job.shown();
    ui.label(RichText::new(&running.label).strong());
    if let Some(step) = shown.step {
        ui.label(step_text(step));
    }
    match shown.fraction() {
        Some(f) => {
            ui.add(egui::ProgressBar::new(f).show_percentage());
        }
        None => {
            ui.spinner();
        }
    }
    if running.kind != Kind::Plain {
        ui.label(RichText::new(fl!("app-do-not-interrupt")).strong());
    }
    if running.kind == Kind::Cancellable {
        if running.job.cancelling() {
            ui.label(fl!("app-cancelling"));
        } else if ui.button(fl!("app-cancel-work")).clicked() {
            running.job.cancel();
        }
    }
}

/// Gives a widget an accessible label other than its visible text.
trait AccessibleLabel {
    fn widget_info_override(self, label: &str) -> Self;
}

impl AccessibleLabel for egui::Response {
    fn widget_info_override(self, label: &str) -> Self {
        let label = label.to_owned();
        self.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        self
    }
}

/// A text field with its label, joined for screen readers. A secret one
/// shows dots, and its widget state (egui keeps an undo history of the
/// text) is dropped by [`forget_secrets`].
fn text_field(ui: &mut Ui, label: &str, value: &mut String, secret: bool) {
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(label);
        let mut edit = egui::TextEdit::singleline(value).password(secret).desired_width(320.0);
        if secret {
            // Within the buffer's capacity: a longer paste would make it
            // reallocate and leave a copy in freed memory.
            edit = edit.id(secret_field_id(label)).char_limit(SECRET_MAX_CHARS);
        }
        ui.add(edit).labelled_by(l.id);
    });
}

/// The longest passphrase the fields take (the buffer holds 1024 bytes,
/// four per character at most).
const SECRET_MAX_CHARS: usize = 256;

/// The widget id of the secret field labelled `label`.
fn secret_field_id(label: &str) -> egui::Id {
    egui::Id::unique(("bemx-secret", label))
}

/// A buffer for a typed passphrase, large enough that typing does not
/// make it reallocate (which would leave copies behind in freed memory).
fn secret_buffer() -> Zeroizing<String> {
    Zeroizing::new(String::with_capacity(1024))
}

/// Zeroizes typed passphrases once they were used, and drops what egui
/// keeps of the secret fields (their undo history holds copies of the
/// text). egui frees those copies without overwriting them: a residue in
/// the process's own memory, which only someone who can read that memory —
/// and so the unlocked keys too — could see.
fn forget_secrets(ctx: &egui::Context, fields: &mut [&mut Zeroizing<String>]) {
    for field in fields {
        field.zeroize();
    }
    for label in [fl!("app-setup-passphrase"), fl!("app-setup-passphrase-again"), fl!("app-unlock-passphrase")] {
        ctx.data_mut(|d| d.remove::<egui::text_edit::TextEditState>(secret_field_id(&label)));
    }
}

/// What the "Durchsuchen…" button of a path field opens.
#[derive(Debug, Clone, Copy)]
enum Browse {
    /// A file to open, with the extension offered first.
    Open(&'static str),
    /// A file to save, with a suggested name.
    Save(&'static str),
    /// A folder.
    Folder,
}

/// A path: typed, pasted, or chosen in the system's own dialog.
fn path_field(ui: &mut Ui, label: &str, value: &mut String, browse: Browse) {
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(value).desired_width(420.0)).labelled_by(l.id);
        if ui.button(fl!("app-browse", what = label)).clicked() {
            let dialog = rfd::FileDialog::new();
            let chosen = match browse {
                Browse::Open(ext) => dialog.add_filter(ext, &[ext]).pick_file(),
                Browse::Save(name) => dialog.set_file_name(name).save_file(),
                Browse::Folder => dialog.pick_folder(),
            };
            if let Some(path) = chosen {
                *value = path.display().to_string();
            }
        }
    });
}

/// A fingerprint large, in groups of four, for comparing by phone.
fn fingerprint_large(ui: &mut Ui, fingerprint: &Fingerprint) {
    let text = fingerprint.to_string().replace('-', "  ");
    ui.add(egui::Label::new(RichText::new(text).monospace().size(22.0).strong()).wrap());
}

/// The name a new bundle is offered under: the date, never a client's.
fn default_bundle_name() -> String {
    let now = bemx_format::time::compact(bemx_format::time::now());
    format!("uebergabe-{now}")
}

fn locked() -> Problem {
    Problem::new(fl!("app-locked"), None)
}

/// A bundle id as tables show it: short, and in a fixed-width font so
/// that the columns do not move with its letters.
fn id_text(id: &str) -> RichText {
    RichText::new(bemx_i18n::short_id(id)).monospace()
}

/// A BEM-ID from the database or a bundle, made safe to show.
fn shown_id(bem_id: &str) -> String {
    bemx_i18n::printable(bem_id)
}

/// A case status (data, in English) in the user's language.
fn case_status(status: &str) -> String {
    fl!("app-case-status", status = bemx_i18n::printable(status))
}

fn consent_text(c: &ClientSummary) -> String {
    match (&c.consent_given, &c.consent_revoked) {
        (Some(given), _) => fl!("app-consent-given", date = bemx_i18n::printable(&bemx_i18n::date(given))),
        (None, Some(revoked)) => fl!("app-consent-revoked", date = bemx_i18n::printable(&bemx_i18n::date(revoked))),
        (None, None) => fl!("app-consent-none"),
    }
}

fn state_text(state: &str) -> String {
    match state {
        "open" => fl!("app-state-open"),
        "confirmed" => fl!("app-state-confirmed"),
        "cancelled" => fl!("app-state-cancelled"),
        other => bemx_i18n::printable(other),
    }
}

fn kind_text(kind: BackupKind) -> String {
    match kind {
        BackupKind::Safety => fl!("app-kind-safety"),
        BackupKind::Manual => fl!("app-kind-manual"),
        BackupKind::BeforeRestore => fl!("app-kind-before-restore"),
        _ => fl!("app-kind-other"),
    }
}

fn event_text(event: &str) -> String {
    match event {
        "export" => fl!("app-event-export"),
        "export_without_consent" => fl!("app-event-export-without-consent"),
        "import" => fl!("app-event-import"),
        "handover_confirmed" => fl!("app-event-handover-confirmed"),
        "handover_cancelled" => fl!("app-event-handover-cancelled"),
        "handover_reapplied" => fl!("app-event-handover-reapplied"),
        "consent_recorded" => fl!("app-event-consent-recorded"),
        "consent_revoked" => fl!("app-event-consent-revoked"),
        other => bemx_i18n::printable(other),
    }
}

/// The label of a step the library crates name (in English, as keys).
fn step_text(step: &'static str) -> String {
    match step {
        "safety backup" => fl!("app-step-safety-backup"),
        "merge" => fl!("app-step-merge"),
        "commit" => fl!("app-step-commit"),
        "receipt" => fl!("app-step-receipt"),
        "writing the bundle" => fl!("app-step-writing-the-bundle"),
        other => other.to_owned(),
    }
}
