//! This crate's texts: `i18n/{en,de}/bemx-import.ftl` (see `bemx_i18n`).

bemx_i18n::catalogue!($);
