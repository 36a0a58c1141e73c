"""Audio in, words out: decoding (``load``), bundled and downloaded Whisper models (``models``),
the two transcription engines (``transcribe``), checkpoint conversion (``ct2_to_openai``) and
recognition accuracy (``wer``)."""
