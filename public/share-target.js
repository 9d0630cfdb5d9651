/*
 * Service worker part (imported by the generated sw.js, see vite.config.ts `importScripts`): the
 * web manifest's `share_target` posts a changes file shared to the app ("Open with" from a chat
 * app or the file manager) to /share-changes-file as multipart/form-data, field `changes`. The
 * file is kept in the Cache Storage and the app is opened at #/shared-changes-file, which opens it
 * on its partnership's "Changes by file" page. The names must match src/ui/syncfile/sharedFile.ts.
 */
self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'POST') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin || url.pathname !== '/share-changes-file') return
  event.respondWith(
    (async () => {
      try {
        const form = await request.formData()
        const file = form.get('changes')
        if (file instanceof File) {
          const cache = await caches.open('scholenband-shared-file')
          await cache.put(
            '/shared-changes-file',
            new Response(file, { headers: { 'content-type': file.type || 'application/json', 'x-file-name': encodeURIComponent(file.name) } }),
          )
        }
      } catch {
        /* nothing kept: the page opens without a file */
      }
      return Response.redirect('/#/shared-changes-file', 303)
    })(),
  )
})
