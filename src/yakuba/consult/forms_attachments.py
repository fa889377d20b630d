"""What the attachment screens accept in a POST (through ``yakuba.web.cleaned``). The file's kind is
not the form's business: ``consult.media`` decides it from the content."""

from __future__ import annotations

from django import forms

from yakuba.consult.actions.attachments import MAX_TITLE


class AttachmentForm(forms.Form):
    title = forms.CharField(label="表題", max_length=MAX_TITLE, help_text="例: 診断書の写し、面談の録音、自宅の写真")
    file = forms.FileField(label="ファイル", help_text="PDF・画像(PNG/JPEG)・音声(WAV/Ogg/MP3/M4A)",
                           error_messages={"required": "ファイルを選んでください。", "empty": "ファイルが空です。"})
    health = forms.BooleanField(label="心身の状況・障がいの情報を含む(要配慮: 担当者だけが閲覧)", required=False)


class DownloadForm(forms.Form):
    reason = forms.CharField(label="ダウンロードの理由(センター長が承認します)", max_length=200,
                             error_messages={"required": "ダウンロードの理由を入力してください。"})
