# bemx-import: Deutsch. Dieselben Kennungen mit denselben Argumenten wie i18n/en.
