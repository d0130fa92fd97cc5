/** Shown with 503 when the server runs but nobody built the web app: says what to run, in both languages. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="km"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tokkatot</title></head>
<body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5">
<h1>កម្មវិធីមិនទាន់រួចរាល់ · The app is not built</h1>
<p>ម៉ាស៊ីនត្រួតពិនិត្យកំពុងដំណើរការ ប៉ុន្តែកម្មវិធីទូរស័ព្ទមិនទាន់បានសាងសង់ទេ។ សូមហៅអ្នកដំឡើង។</p>
<p>The controller is running and keeps the birds safe, but the phone app has not been built.
Ask the installer to run <code>npm run build:ui</code> on the Pi.</p>
</body></html>
`;
