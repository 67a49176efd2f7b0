//! This crate's texts: `i18n/{en,de}/bemx-app.ftl` (see `bemx_i18n`).

bemx_i18n::catalogue!($);
