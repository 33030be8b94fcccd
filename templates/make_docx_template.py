"""Make templates/预算公开模板.docx, the default Word template of the published document.

Run once after changing the styles in xltools/writers/publication_styles.py (or
narrative_docx.py), and commit the result:

    .venv/bin/python templates/make_docx_template.py

A department need not run this: it edits a copy of the .docx in Word or WPS and points
``xltools build --template`` (or 基本信息 “公开模板”) at it.
"""

from pathlib import Path

from xltools.writers.publication_styles import TEMPLATE_NAME, make_template

if __name__ == "__main__":
    target = Path(__file__).parent / TEMPLATE_NAME
    make_template(str(target))
    print(f"已生成：{target}")
