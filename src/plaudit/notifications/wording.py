# ruff: noqa: RUF001 - Chinese text takes full-width punctuation.
"""The built-in wording of every kind of mail, per language, and the link labels.

Bodies are plain text with the designs' merge fields (render/fields.py) plus
`{{ notification.message }}`; an organization's own templates (MailTemplate) take their place.
"""

ISSUED, REPLACED, REVOKED = "issued", "replaced", "revoked"
ACCEPT_REMINDER, EXPIRY_REMINDER = "accept_reminder", "expiry_reminder"
KINDS = (ISSUED, REPLACED, REVOKED, ACCEPT_REMINDER, EXPIRY_REMINDER)

# language -> kind -> (subject, body)
DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        ISSUED: (
            "{{ issuer.name }} has awarded you {{ credential.name }}",
            "Hello {{ recipient.name }},\n\n{{ issuer.name }} has awarded you "
            "{{ credential.name }}. Congratulations!",
        ),
        REPLACED: (
            "Your {{ credential.name }} credential has been updated",
            "Hello {{ recipient.name }},\n\n{{ issuer.name }} has replaced your credential "
            "with an updated {{ credential.name }}.\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "Your {{ credential.name }} credential has been revoked",
            "Hello {{ recipient.name }},\n\n{{ issuer.name }} has revoked your "
            "{{ credential.name }} credential.",
        ),
        ACCEPT_REMINDER: (
            "Reminder: accept your {{ credential.name }} badge",
            "Hello {{ recipient.name }},\n\n{{ issuer.name }} awarded you {{ credential.name }}. "
            "It is waiting for you to accept it.",
        ),
        EXPIRY_REMINDER: (
            "Your {{ credential.name }} credential expires on {{ credential.expired_on }}",
            "Hello {{ recipient.name }},\n\nYour {{ credential.name }} credential from "
            "{{ issuer.name }} expires on {{ credential.expired_on }}.",
        ),
    },
    "fr": {
        ISSUED: (
            "{{ issuer.name }} vous a décerné {{ credential.name }}",
            "Bonjour {{ recipient.name }},\n\n{{ issuer.name }} vous a décerné "
            "{{ credential.name }}. Félicitations !",
        ),
        REPLACED: (
            "Votre certification {{ credential.name }} a été mise à jour",
            "Bonjour {{ recipient.name }},\n\n{{ issuer.name }} a remplacé votre certification "
            "par une version à jour de {{ credential.name }}.\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "Votre certification {{ credential.name }} a été révoquée",
            "Bonjour {{ recipient.name }},\n\n{{ issuer.name }} a révoqué votre certification "
            "{{ credential.name }}.",
        ),
        ACCEPT_REMINDER: (
            "Rappel : acceptez votre badge {{ credential.name }}",
            "Bonjour {{ recipient.name }},\n\n{{ issuer.name }} vous a décerné "
            "{{ credential.name }}. Il attend que vous l'acceptiez.",
        ),
        EXPIRY_REMINDER: (
            "Votre certification {{ credential.name }} expire le {{ credential.expired_on }}",
            "Bonjour {{ recipient.name }},\n\nVotre certification {{ credential.name }} de "
            "{{ issuer.name }} expire le {{ credential.expired_on }}.",
        ),
    },
    "de": {
        ISSUED: (
            "{{ issuer.name }} hat Ihnen {{ credential.name }} verliehen",
            "Hallo {{ recipient.name }},\n\n{{ issuer.name }} hat Ihnen {{ credential.name }} "
            "verliehen. Herzlichen Glückwunsch!",
        ),
        REPLACED: (
            "Ihr Nachweis {{ credential.name }} wurde aktualisiert",
            "Hallo {{ recipient.name }},\n\n{{ issuer.name }} hat Ihren Nachweis durch eine "
            "aktualisierte Fassung von {{ credential.name }} ersetzt.\n\n"
            "{{ notification.message }}",
        ),
        REVOKED: (
            "Ihr Nachweis {{ credential.name }} wurde widerrufen",
            "Hallo {{ recipient.name }},\n\n{{ issuer.name }} hat Ihren Nachweis "
            "{{ credential.name }} widerrufen.",
        ),
        ACCEPT_REMINDER: (
            "Erinnerung: Nehmen Sie Ihr Abzeichen {{ credential.name }} an",
            "Hallo {{ recipient.name }},\n\n{{ issuer.name }} hat Ihnen {{ credential.name }} "
            "verliehen. Es wartet darauf, dass Sie es annehmen.",
        ),
        EXPIRY_REMINDER: (
            "Ihr Nachweis {{ credential.name }} läuft am {{ credential.expired_on }} ab",
            "Hallo {{ recipient.name }},\n\nIhr Nachweis {{ credential.name }} von "
            "{{ issuer.name }} läuft am {{ credential.expired_on }} ab.",
        ),
    },
    "es": {
        ISSUED: (
            "{{ issuer.name }} te ha otorgado {{ credential.name }}",
            "Hola {{ recipient.name }}:\n\n{{ issuer.name }} te ha otorgado "
            "{{ credential.name }}. ¡Enhorabuena!",
        ),
        REPLACED: (
            "Tu credencial {{ credential.name }} se ha actualizado",
            "Hola {{ recipient.name }}:\n\n{{ issuer.name }} ha sustituido tu credencial por "
            "una versión actualizada de {{ credential.name }}.\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "Tu credencial {{ credential.name }} ha sido revocada",
            "Hola {{ recipient.name }}:\n\n{{ issuer.name }} ha revocado tu credencial "
            "{{ credential.name }}.",
        ),
        ACCEPT_REMINDER: (
            "Recordatorio: acepta tu insignia {{ credential.name }}",
            "Hola {{ recipient.name }}:\n\n{{ issuer.name }} te otorgó {{ credential.name }}. "
            "Está esperando a que la aceptes.",
        ),
        EXPIRY_REMINDER: (
            "Tu credencial {{ credential.name }} vence el {{ credential.expired_on }}",
            "Hola {{ recipient.name }}:\n\nTu credencial {{ credential.name }} de "
            "{{ issuer.name }} vence el {{ credential.expired_on }}.",
        ),
    },
    "pt": {
        ISSUED: (
            "{{ issuer.name }} concedeu-lhe {{ credential.name }}",
            "Olá {{ recipient.name }},\n\n{{ issuer.name }} concedeu-lhe "
            "{{ credential.name }}. Parabéns!",
        ),
        REPLACED: (
            "A sua credencial {{ credential.name }} foi atualizada",
            "Olá {{ recipient.name }},\n\n{{ issuer.name }} substituiu a sua credencial por "
            "uma versão atualizada de {{ credential.name }}.\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "A sua credencial {{ credential.name }} foi revogada",
            "Olá {{ recipient.name }},\n\n{{ issuer.name }} revogou a sua credencial "
            "{{ credential.name }}.",
        ),
        ACCEPT_REMINDER: (
            "Lembrete: aceite o seu selo {{ credential.name }}",
            "Olá {{ recipient.name }},\n\n{{ issuer.name }} concedeu-lhe {{ credential.name }}. "
            "Ele aguarda a sua aceitação.",
        ),
        EXPIRY_REMINDER: (
            "A sua credencial {{ credential.name }} expira em {{ credential.expired_on }}",
            "Olá {{ recipient.name }},\n\nA sua credencial {{ credential.name }} de "
            "{{ issuer.name }} expira em {{ credential.expired_on }}.",
        ),
    },
    "ja": {
        ISSUED: (
            "{{ issuer.name }} から {{ credential.name }} が授与されました",
            "{{ recipient.name }} 様\n\n{{ issuer.name }} から {{ credential.name }} "
            "が授与されました。おめでとうございます。",
        ),
        REPLACED: (
            "{{ credential.name }} が更新されました",
            "{{ recipient.name }} 様\n\n{{ issuer.name }} があなたの資格を更新版の "
            "{{ credential.name }} に置き換えました。\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "{{ credential.name }} は取り消されました",
            "{{ recipient.name }} 様\n\n{{ issuer.name }} があなたの {{ credential.name }} "
            "を取り消しました。",
        ),
        ACCEPT_REMINDER: (
            "リマインダー: {{ credential.name }} バッジを受け取ってください",
            "{{ recipient.name }} 様\n\n{{ issuer.name }} から {{ credential.name }} "
            "が授与されています。受け取りをお待ちしています。",
        ),
        EXPIRY_REMINDER: (
            "{{ credential.name }} の有効期限は {{ credential.expired_on }} です",
            "{{ recipient.name }} 様\n\n{{ issuer.name }} の {{ credential.name }} は "
            "{{ credential.expired_on }} に有効期限を迎えます。",
        ),
    },
    "ko": {
        ISSUED: (
            "{{ issuer.name }}에서 {{ credential.name }}을(를) 수여했습니다",
            "{{ recipient.name }}님, 안녕하세요.\n\n{{ issuer.name }}에서 "
            "{{ credential.name }}을(를) 수여했습니다. 축하합니다!",
        ),
        REPLACED: (
            "{{ credential.name }} 자격증명이 업데이트되었습니다",
            "{{ recipient.name }}님, 안녕하세요.\n\n{{ issuer.name }}에서 자격증명을 "
            "업데이트된 {{ credential.name }}(으)로 교체했습니다.\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "{{ credential.name }} 자격증명이 취소되었습니다",
            "{{ recipient.name }}님, 안녕하세요.\n\n{{ issuer.name }}에서 "
            "{{ credential.name }} 자격증명을 취소했습니다.",
        ),
        ACCEPT_REMINDER: (
            "알림: {{ credential.name }} 배지를 수락하세요",
            "{{ recipient.name }}님, 안녕하세요.\n\n{{ issuer.name }}에서 "
            "{{ credential.name }}을(를) 수여했습니다. 수락을 기다리고 있습니다.",
        ),
        EXPIRY_REMINDER: (
            "{{ credential.name }} 자격증명이 {{ credential.expired_on }}에 만료됩니다",
            "{{ recipient.name }}님, 안녕하세요.\n\n{{ issuer.name }}의 "
            "{{ credential.name }} 자격증명이 {{ credential.expired_on }}에 만료됩니다.",
        ),
    },
    "zh": {
        ISSUED: (
            "{{ issuer.name }} 向您授予了 {{ credential.name }}",
            "{{ recipient.name }}，您好：\n\n{{ issuer.name }} 向您授予了 "
            "{{ credential.name }}。恭喜！",
        ),
        REPLACED: (
            "您的 {{ credential.name }} 证书已更新",
            "{{ recipient.name }}，您好：\n\n{{ issuer.name }} 已将您的证书替换为更新后的 "
            "{{ credential.name }}。\n\n{{ notification.message }}",
        ),
        REVOKED: (
            "您的 {{ credential.name }} 证书已被撤销",
            "{{ recipient.name }}，您好：\n\n{{ issuer.name }} 已撤销您的 "
            "{{ credential.name }} 证书。",
        ),
        ACCEPT_REMINDER: (
            "提醒：请接受您的 {{ credential.name }} 徽章",
            "{{ recipient.name }}，您好：\n\n{{ issuer.name }} 向您授予了 "
            "{{ credential.name }}，正在等待您接受。",
        ),
        EXPIRY_REMINDER: (
            "您的 {{ credential.name }} 证书将于 {{ credential.expired_on }} 到期",
            "{{ recipient.name }}，您好：\n\n您来自 {{ issuer.name }} 的 "
            "{{ credential.name }} 证书将于 {{ credential.expired_on }} 到期。",
        ),
    },
}

# language -> (view the credential, open the wallet, unsubscribe)
LINKS: dict[str, tuple[str, str, str]] = {
    "en": ("View your credential", "Open your wallet", "Unsubscribe"),
    "fr": ("Voir votre certification", "Ouvrir votre portefeuille", "Se désabonner"),
    "de": ("Nachweis ansehen", "Wallet öffnen", "Abmelden"),
    "es": ("Ver tu credencial", "Abrir tu cartera", "Darse de baja"),
    "pt": ("Ver a sua credencial", "Abrir a sua carteira", "Cancelar a subscrição"),
    "ja": ("資格を表示", "ウォレットを開く", "配信停止"),
    "ko": ("자격증명 보기", "지갑 열기", "수신 거부"),
    "zh": ("查看您的证书", "打开您的钱包", "退订"),
}
