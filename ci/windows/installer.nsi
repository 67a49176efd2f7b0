; Per-user Windows installer for bemx (NSIS 3, built on Linux by
; ci/windows/installer.sh):
;
;   makensis -INPUTCHARSET UTF8 -DBEMX_EXE=path/bemx.exe -DBEMX_APP_EXE=path/bemx-app.exe \
;            -DVERSION=0.1.0 -DOUTFILE=path/bemx-setup-0.1.0.exe ci/windows/installer.nsi
;
; Silent use: `bemx-setup-X.exe /S` installs, `Uninstall.exe /S` removes the
; program and keeps the user's data, `Uninstall.exe /S /DELETEDATA` removes
; the data too. Uninstall.exe copies itself to %TEMP% and returns at once; a
; script that must wait for the end runs `Uninstall.exe /S _?=<install folder>`
; instead (which leaves Uninstall.exe and the folder for the script to delete).
;
; Why per user: BEM coordinators rarely have administrator rights, and bemx
; keeps its data (%APPDATA%\bemx) and accepts key files only in the user's own
; profile anyway. So no UAC prompt, the program goes to
; %LOCALAPPDATA%\Programs\bemx (where per-user installs of other programs go
; too), and everything registered lives under HKCU.

; The file is UTF-8 (umlauts, the en dash); installer.sh passes
; -INPUTCHARSET UTF8 so that makensis does not guess the code page.
Unicode true
; Debian's makensis defaults to the 32-bit x86 stub, which Debian's
; 64-bit-only Wine cannot start (and bemx itself is 64-bit only).
Target amd64-unicode
; No elevation: everything below writes only into the user's profile and HKCU.
RequestExecutionLevel user
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef BEMX_EXE | BEMX_APP_EXE | VERSION | OUTFILE
  !error "pass -DBEMX_EXE=... -DBEMX_APP_EXE=... -DVERSION=... -DOUTFILE=... (see ci/windows/installer.sh)"
!endif

!define PRODUCT "bemx – Klientenübergabe"
!define SHORTCUT "$SMPROGRAMS\${PRODUCT}.lnk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\bemx"
!define EXT_KEY "Software\Classes\.bemx"
!define PROGID "bemx.Bundle"
!define PROGID_KEY "Software\Classes\${PROGID}"
; bemx's default installation folder on Windows (crates/install): the
; database, the secret keys and the safety backups. Only the uninstaller's
; data option touches it.
!define DATA_DIR "$APPDATA\bemx"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\bemx"
; An update goes where the previous version went.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING
; The German title "Die Installation von bemx – Klientenübergabe wird
; abgeschlossen" needs three lines; with the default two its end is cut off.
!define MUI_FINISHPAGE_TITLE_3LINES
!define MUI_FINISHPAGE_RUN "$INSTDIR\bemx-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "bemx jetzt starten"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPage un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "German"

; "1" when the uninstaller also deletes DATA_DIR: set by /DELETEDATA or by
; ticking the box on the data page; anything else keeps the data.
Var DeleteData
Var DataCheckbox

Function .onInit
  ; Per user, explicitly: $SMPROGRAMS and $APPDATA must be this user's.
  SetShellVarContext current
FunctionEnd

Section "-Programm"
  SetOutPath "$INSTDIR"
  File "/oname=bemx.exe" "${BEMX_EXE}"
  File "/oname=bemx-app.exe" "${BEMX_APP_EXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "${SHORTCUT}" "$INSTDIR\bemx-app.exe" "" "$INSTDIR\bemx-app.exe" 0

  ; Double-clicking a bundle opens it in the app. Under HKCU\Software\Classes
  ; so that no administrator is needed; it overrides HKLM for this user only.
  WriteRegStr HKCU "${EXT_KEY}" "" "${PROGID}"
  WriteRegStr HKCU "${PROGID_KEY}" "" "bemx-Übergabepaket"
  WriteRegStr HKCU "${PROGID_KEY}\DefaultIcon" "" "$INSTDIR\bemx-app.exe,0"
  WriteRegStr HKCU "${PROGID_KEY}\shell\open\command" "" '"$INSTDIR\bemx-app.exe" "%1"'

  ; "Apps & Features" / "Programs and Features" lists per-user programs from
  ; HKCU too; QuietUninstallString is what deployment tools run.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\bemx-app.exe,0"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0

  ; Explorer caches associations and icons; this makes it re-read them now
  ; instead of after the next logon. (Harmless under Wine, where the CI runs it.)
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

; --- uninstaller --------------------------------------------------------------

Function un.onInit
  SetShellVarContext current
  ; /DELETEDATA is the only way a silent uninstall deletes the data: a
  ; deployment tool running QuietUninstallString (or an update scripted as
  ; uninstall + install) must never take a coordinator's case files, keys
  ; and backups with it. Only the bare switch counts, not /DELETEDATA=...
  StrCpy $DeleteData 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DELETEDATA" $R1
  ${IfNot} ${Errors}
  ${AndIf} $R1 == ""
    StrCpy $DeleteData 1
  ${EndIf}
FunctionEnd

; The data question gets a page of its own, unticked by default: the data
; outlives the program (a reinstall or an update finds it again), and deleting
; it loses the keys, which nobody can restore.
Function un.DataPage
  !insertmacro MUI_HEADER_TEXT "Daten der Installation" "Datenbank, Schlüssel und Sicherungen behalten oder löschen"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 48u "Die Daten dieser Installation (Klientendatenbank, Schlüssel, Sicherungen) liegen in$\r$\n${DATA_DIR}$\r$\nSie bleiben erhalten, wenn Sie das Kästchen nicht ankreuzen; eine spätere Installation von bemx findet sie wieder."
  Pop $0
  ${NSD_CreateCheckbox} 0 56u 100% 12u "Auch die Daten der Installation löschen (Datenbank, Schlüssel, Sicherungen)"
  Pop $DataCheckbox
  ${If} $DeleteData == 1
    ${NSD_Check} $DataCheckbox
  ${EndIf}
  ${NSD_CreateLabel} 0 74u 100% 24u "Gelöschte Schlüssel lassen sich nicht wiederherstellen: Übergabepakete an diese Installation können danach nicht mehr geöffnet werden."
  Pop $0
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $DataCheckbox $0
  ${If} $0 == ${BST_CHECKED}
    StrCpy $DeleteData 1
  ${Else}
    StrCpy $DeleteData 0
  ${EndIf}
FunctionEnd

Section "-un.Programm"
  ; Named files and a non-recursive RMDir only: should $INSTDIR have been set
  ; to a folder holding other files, those stay.
  Delete "$INSTDIR\bemx.exe"
  Delete "$INSTDIR\bemx-app.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"

  Delete "${SHORTCUT}"

  ; .bemx only while it still names our ProgID: another program may have
  ; taken the extension over since.
  ReadRegStr $0 HKCU "${EXT_KEY}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegKey HKCU "${EXT_KEY}"
  ${EndIf}
  DeleteRegKey HKCU "${PROGID_KEY}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; Only the default data folder: a home chosen with --home or BEMX_HOME is
  ; the user's own business.
  ${If} $DeleteData == 1
    DetailPrint "Daten der Installation werden gelöscht: ${DATA_DIR}"
    RMDir /r "${DATA_DIR}"
  ${Else}
    DetailPrint "Daten der Installation bleiben erhalten: ${DATA_DIR}"
  ${EndIf}
SectionEnd
