/** Shown with 503 when the cloud runs but the dashboard was not built: says what to run, in both languages. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="km"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tokkatot</title></head>
<body style="font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5">
<h1>ផ្ទាំងគ្រប់គ្រងមិនទាន់រួចរាល់ · The dashboard is not built</h1>
<p>សេវាពពកកំពុងដំណើរការ ហើយកសិដ្ឋាននៅតែធ្វើសមកាលកម្ម ប៉ុន្តែផ្ទាំងគ្រប់គ្រងសម្រាប់ម្ចាស់មិនទាន់បានសាងសង់ទេ។</p>
<p>The cloud service is running and farms keep syncing, but the owners' dashboard has not been
built. Run <code>npm run build:dashboard</code> and reload this page.</p>
</body></html>
`;
