# CPack NSIS (Windows): an installer with a Start-menu entry (CPACK_PACKAGE_EXECUTABLES) and
# "Open with finpipe" for .csv, .xlsx and .xlsm. Not built on Linux: see README, "Windows and macOS".
set(CPACK_NSIS_PACKAGE_NAME "finpipe")
set(CPACK_NSIS_DISPLAY_NAME "finpipe ${PROJECT_VERSION}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\finpipe.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put finpipe-cli on PATH
set(CPACK_NSIS_MUI_FINISHPAGE_RUN finpipe.exe)
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)

# A ProgID for finpipe, offered for each extension under OpenWithProgids (Windows keeps the user's
# default application; finpipe appears in "Open with"). %1 is the file: its path may hold spaces
# and any letters, hence the quotes.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr SHCTX "Software\Classes\finpipe.Dataset" "" "finpipe dataset"
  WriteRegStr SHCTX "Software\Classes\finpipe.Dataset\DefaultIcon" "" "$INSTDIR\bin\finpipe.exe,0"
  WriteRegStr SHCTX "Software\Classes\finpipe.Dataset\shell\open\command" "" '"$INSTDIR\bin\finpipe.exe" "%1"'
  WriteRegStr SHCTX "Software\Classes\.csv\OpenWithProgids" "finpipe.Dataset" ""
  WriteRegStr SHCTX "Software\Classes\.xlsx\OpenWithProgids" "finpipe.Dataset" ""
  WriteRegStr SHCTX "Software\Classes\.xlsm\OpenWithProgids" "finpipe.Dataset" ""
  WriteRegStr SHCTX "Software\Classes\Applications\finpipe.exe\SupportedTypes" ".csv" ""
  WriteRegStr SHCTX "Software\Classes\Applications\finpipe.exe\SupportedTypes" ".xlsx" ""
  WriteRegStr SHCTX "Software\Classes\Applications\finpipe.exe\SupportedTypes" ".xlsm" ""
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  DeleteRegValue SHCTX "Software\Classes\.csv\OpenWithProgids" "finpipe.Dataset"
  DeleteRegValue SHCTX "Software\Classes\.xlsx\OpenWithProgids" "finpipe.Dataset"
  DeleteRegValue SHCTX "Software\Classes\.xlsm\OpenWithProgids" "finpipe.Dataset"
  DeleteRegKey SHCTX "Software\Classes\finpipe.Dataset"
  DeleteRegKey SHCTX "Software\Classes\Applications\finpipe.exe"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
