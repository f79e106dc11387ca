from __future__ import annotations

from django import forms

from tcx.roadmap.models import LineStatus

REPORTED = [(s.value, s.label) for s in LineStatus if s not in (LineStatus.DROPPED,)]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(choices=REPORTED, label="Status")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Progress")
    evidence = forms.FileField(required=False, label="Evidence (optional, up to 20 MB)")


class NominationForm(forms.Form):
    nominee_name = forms.CharField(max_length=200, label="Officer's name")
    nominee_title = forms.CharField(max_length=200, required=False, label="Rank and position")


class NeedForm(forms.Form):
    title = forms.CharField(max_length=200, label="Equipment needed")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    quantity = forms.IntegerField(min_value=1, initial=1)


class OfferForm(forms.Form):
    title = forms.CharField(max_length=200, label="Equipment offered")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    quantity = forms.IntegerField(min_value=1, initial=1)


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Document title")
    file = forms.FileField(label="File")
