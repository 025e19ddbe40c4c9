"""The UNO side of `warm.WarmOffice`, run by the system's Python, which has LibreOffice's `uno` module.

Not imported by the package: our virtual environment has no `uno` (Debian's python3-uno is built for
/usr/bin/python3 only). Started as

    python3 uno_bridge.py PIPE-NAME SOFFICE-COMMAND…

it starts LibreOffice (the command must accept UNO on the pipe PIPE-NAME), connects to it, prints
`{"ready": true}`, then reads one JSON request a line from stdin and answers each with one line:

    {"source": "/…/in.docx", "target": "/…/out.pdf", "pdfa": 1 | null}  →  {"ok": true} | {"error": "…"}

Documents are opened hidden and read-only, with macros never run and links never updated, and closed
after each export. End of input ends LibreOffice and the bridge. Standard library and `uno` only.
"""

import json
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode


def _properties(**values):
    found = []
    for name, value in values.items():
        item = PropertyValue()
        item.Name, item.Value = name, value
        found.append(item)
    return tuple(found)


def _connect(pipe, office):
    context = uno.getComponentContext()
    resolver = context.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", context)
    while True:
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
        except NoConnectException:
            if office.poll() is not None:
                raise SystemExit(f"LibreOffice exited with status {office.returncode} before accepting") from None
            time.sleep(0.05)


def _convert(desktop, source, target, pdfa):
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0,
        _properties(Hidden=True, ReadOnly=True, MacroExecutionMode=NEVER_EXECUTE, UpdateDocMode=NO_UPDATE))
    if document is None:
        raise ValueError("source file could not be loaded")
    try:
        export = {"FilterName": "writer_pdf_Export"}
        if pdfa is not None:
            export["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue",
                                           _properties(SelectPdfVersion=int(pdfa)))
        document.storeToURL(uno.systemPathToFileUrl(target), _properties(**export))
    finally:
        document.close(True)


def main():
    pipe, command = sys.argv[1], sys.argv[2:]
    office = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    desktop = _connect(pipe, office)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["source"], request["target"], request.get("pdfa"))
            answer = {"ok": True}
        except Exception as error:  # noqa: BLE001 - every failure is an answer; the caller decides
            answer = {"error": f"{type(error).__name__}: {getattr(error, 'Message', '') or error}"}
        print(json.dumps(answer), flush=True)
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001, S110 - the bridge drops as LibreOffice goes; it is ending either way
        pass
    office.wait(timeout=30)


if __name__ == "__main__":
    main()
