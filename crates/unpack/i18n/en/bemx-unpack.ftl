# bemx-unpack: English (the fallback). i18n/de has the same ids with the same arguments.
