# The post's own code, kept only as the benchmark's slow side: tests/benchmark.py times it
# against the lesson. It is not part of the lesson, and nothing imports it.
#
# These are the code cells of the blog post the lesson reproduces ("How Neural Networks Work:
# Linear Regression and Gradient Descent Step by Step"), in the post's order, one blank line
# between cells. Our copy of the post (a plain-text capture) lost the code's indentation; it is
# restored here (four spaces a level, the arrays' continuation lines as numpy prints them),
# and nothing else is changed: not the spacing within lines, the comments, the bare `a` and
# `error` that a notebook cell shows, nor the second, repeated half.
#
# It runs as in the post's Jupyter notebook, where each plt.show() renders the figure (a PNG)
# and closes it: tests/benchmark.py runs it so, in a temporary folder holding GIFs/. Run bare,
# it needs a GIFs/ folder where it runs and IPython.
#
# ruff: noqa: E402, E501, B018, I001  (a notebook's imports come in its cells; the post's lines)

import numpy as np
x = np.array( [ 0. , 0.34482759, 0.68965517, 1.03448276, 1.37931034,
        1.72413793, 2.06896552, 2.4137931 , 2.75862069, 3.10344828,
        3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
        5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
        6.89655172, 7.24137931, 7.5862069 , 7.93103448, 8.27586207,
        8.62068966, 8.96551724, 9.31034483, 9.65517241, 10. ])
z = np.array( [-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778 ,
        0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
        8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
        6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
        12.7843083 , 16.42241036, 13.67913705, 15.55066478, 17.45979602,
        16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])

import matplotlib.pyplot as plt
plt.scatter(x, z)
plt.xlabel('X')
plt.ylabel('Z ', rotation=0)
plt.show()

import random
random.seed(45) # Esto es una semilla, cuando se generan números aleatorios,
# pero queremos que siempre se genere el mismo se suele fijar
# un número llamado semilla. Esto hace que siempre a sea el mismo
a = random.random()
a

z_p = a*x
plt.scatter(x, z)
plt.plot(x, z_p, 'k')
plt.xlabel('X')
plt.ylabel('Z ', rotation=0)
plt.show()

def loss(z, z_p):
    n = len(z)
    loss = np.sum((z_p-z) ** 2) / n
    return loss

error = loss(z, z_p)
error

posibles_a = np.linspace(0, 4, 30)
perdidas = np.empty_like(posibles_a)
for i in range (30):
    z_p = posibles_a[i]*x
    perdidas[i] = loss(z, z_p)
plt.plot(posibles_a, perdidas)
plt.xlabel('a')
plt.ylabel('loss ', rotation=0)
plt.show()

def gradiente (a, x, z):
    # Función que calcula el valor de una derivada en un punto
    n = len(z)
    return 2*np.sum((a*x - z)*x)/n

def gradiente_linea (i, a=None, error=None, gradiente=None):
    # Función que devuleve los puntos de la linea que supone la derivada de una
    # función en un punto dado
    if a is None:
        x1 = posibles_a[i]-0.7
        x2 = posibles_a[i]
        x3 = posibles_a[i]+0.7
        b = perdidas[i] - gradientes[i]*posibles_a[i]
        z1 = gradientes[i]*x1 + b
        z2 = perdidas[i]
        z3 = gradientes[i]*x3 + b
    else:
        x1 = a-0.7
        x2 = a
        x3 = a+0.7
        b = error - gradiente*a
        z1 = gradiente*x1 + b
        z2 = error
        z3 = gradiente*x3 + b
    x_linea = np.array([x1, x2, x3])
    z_linea = np.array([z1, z2, z3])
    return x_linea, z_linea

posibles_a = np.linspace(0, 4, 30)
perdidas = np.empty_like(posibles_a)
gradientes = np.empty_like(posibles_a)
for i in range (30):
    z_p = posibles_a[i]*x
    perdidas[i] = loss(z, z_p)
    gradientes[i] = gradiente(posibles_a[i], x, z) # Estos son los valores de las derivadas en cada valor de a
    # es decir, nos da el valor de la pendiente de la recta tangente
    # a la curva
# Se calcula la linea del gradiente en el inicio
i_inicio = 3
x_inicio, z_inicio = gradiente_linea(i_inicio)
# Se calcula la linea del gradiente en la base
i_base = 14
x_base, z_base = gradiente_linea (i_base)
# Se calcula la linea del gradiente al final
i_final = -3
x_final, z_final = gradiente_linea (i_final)
# Se dibuja el error en función de a
plt.plot(posibles_a, perdidas, linewidth = 3)
# Se dibuja la derivada al inicio
plt.plot(x_inicio, z_inicio, 'g')
plt.scatter(posibles_a[i_inicio], perdidas[i_inicio], c='green')
# Se dibuja la derivada en el medio
plt.plot(x_base, z_base, 'y')
plt.scatter(posibles_a[i_base], perdidas[i_base], c='pink')
# Se dibuja la derivada al final
plt.plot(x_final, z_final, 'r')
plt.scatter(posibles_a[i_final], perdidas[i_final], c='red')
plt.xlabel('a')
plt.ylabel('loss ', rotation=0)
plt.show()

lr = 10**-3 # Tasa de aprendizaje o learning rate
steps = 100 # Numero de veces que se realiza el bucle de enrtenamiento
# Matrices donde se guardarán los datos para luego ver la evolución del entrenamiento en una gráfica
Zs = np.empty([steps, len(x)])
Xs_linea_gradiente = np.empty([steps, len(x_inicio)])
Zs_linea_gradiente = np.empty([steps, len(z_inicio)])
As = np.empty(steps)
Errores = np.empty(steps)
for i in range(steps):
    # Calculamos el gradiente
    dl = gradiente(a, x, z)
    # Corregimos el valor de a
    a = a - lr*dl
    # Calculamos los valores que obtiene la red neuronal
    z_p = a*x
    # Obtenemos el error
    error = loss(z_p, z)
    # Obtenemos las rectas de los gradientes para representarlas
    x_linea_gradiente, z_linea_gradiente = gradiente_linea(i_inicio, a=a, error=error, gradiente=dl)
    # Guardamos los valores para luego ver la evolución del entrenamiento en una gráfica
    As[i] = a
    Zs[i,:] = z_p
    Errores[i] = error
    Xs_linea_gradiente[i,:] = x_linea_gradiente
    Zs_linea_gradiente[i,:] = z_linea_gradiente
    # Imprimimos la evolución del entrenamiento
    if (i+1)%10 == 0:
        print(f"i={i+1}: error={error}, gradiente={dl}, a={a}")

# Creamos GIF con la evolución del entrenamiento
from matplotlib.animation import FuncAnimation
from IPython.display import display, Image
# Creamos la gráfica inicial
fig, (ax1, ax2) = plt.subplots(1,2)
fig.set_tight_layout(True)
ax1.set_xlabel('X')
ax1.set_ylabel('Z ', rotation=0)
ax2.set_xlabel('a')
ax2.set_ylabel('loss ', rotation=0)
# Se dibujan los datos que persistiran en toda la evolución de la gráfica
ax1.scatter(x, z)
ax2.plot(posibles_a, perdidas, linewidth = 3)
# Se dibuja el resto de lineas que irán cambiando durante el entrenamiento
line1, = ax1.plot(x, Zs[0,:], 'k', linewidth=2) # Recta generada con la pendiente a aprendida
line2, = ax2.plot(Xs_linea_gradiente[0,:], Zs_linea_gradiente[0,:], 'g') # Gradiente de la función de error
punto2, = ax2.plot(As[0], Errores[0], 'r*') # Punto donde se calcula el gradiente
# Se dibujan textos dentro de la segunda figura del subplot
fontsize = 12
a_text = ax2.text(1, 150, f'a = {As[0]:.2f}', fontsize = fontsize)
error_text = ax2.text(1, 125, f'loss = {Errores[0]:.2f}', fontsize = fontsize)
# Se dibuja un título
titulo = fig.suptitle(f'step: {0}', fontsize=fontsize)
# Se define la función que va a modificar la gráfica con la evolución del entrenamiento
def update(i):
    # Se actualiza la linea 1. Recta generada con la pendiente a aprendida
    line1.set_ydata(Zs[i,:])
    # Se actualiza la linea 2. Gradiente de la función de error
    line2.set_xdata(Xs_linea_gradiente[i,:])
    line2.set_ydata(Zs_linea_gradiente[i,:])
    # Se actualiza el punto 2. Punto donde se calcula el gradiente
    punto2.set_xdata([As[i]])
    punto2.set_ydata([Errores[i]])
    # Se actualizan los textos
    a_text.set_text(f'a = {As[i]:.2f}')
    error_text.set_text(f'loss = {Errores[i]:.2f}')
    titulo.set_text(f'step: {i}')
    return line1, ax1, line2, punto2, ax2, a_text, error_text
# Se crea la animación con un refresco cada 200 ms
interval = 200 # ms
anim = FuncAnimation(fig, update, frames=np.arange(0, steps), interval=interval)
# Se guarda la animación en un gif
gif_name = "GIFs/entrenamiento_regresion.gif"
anim.save(gif_name, dpi=80, writer='pillow')
# Leer el GIF y mostrarlo
with open(gif_name, 'rb') as f:
    display(Image(data=f.read()))
# Se elimina la figura para que no se muestre en el notebook
plt.close()

x = np.array( [ 0. , 0.34482759, 0.68965517, 1.03448276, 1.37931034,
        1.72413793, 2.06896552, 2.4137931 , 2.75862069, 3.10344828,
        3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
        5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
        6.89655172, 7.24137931, 7.5862069 , 7.93103448, 8.27586207,
        8.62068966, 8.96551724, 9.31034483, 9.65517241, 10. ])
z = np.array( [-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778 ,
        0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
        8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
        6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
        12.7843083 , 16.42241036, 13.67913705, 15.55066478, 17.45979602,
        16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])
plt.scatter(x, z)
plt.xlabel('X')
plt.ylabel('Z ', rotation=0)
plt.show()

random.seed(45)
a = random.random()
a

z_p = a*x
plt.scatter(x, z)
plt.plot(x, z_p, 'k')
plt.xlabel('X')
plt.ylabel('Z ', rotation=0)
plt.show()

error = loss(z, z_p)
error

lr = 10**-3 # Tasa de aprendizaje o learning rate
steps = 100 # Numero de veces que se realiza el bucle de enrtenamiento
# Matrices donde se guardarán los datos para luego ver la evolución del entrenamiento en una gráfica
Zs = np.empty([steps, len(x)])
Xs_linea_gradiente = np.empty([steps, len(x_inicio)])
Zs_linea_gradiente = np.empty([steps, len(z_inicio)])
As = np.empty(steps)
Errores = np.empty(steps)
for i in range(steps):
    # Calculamos el gradiente
    dl = gradiente(a, x, z)
    # Corregimos el valor de a
    a = a - lr*dl
    # Calculamos los valores que obtiene la red neuronal
    z_p = a*x
    # Obtenemos el error
    error = loss(z, z_p)
    # Obtenemos las rectas de los gradientes para representarlas
    x_linea_gradiente, z_linea_gradiente = gradiente_linea(i_inicio, a=a, error=error, gradiente=dl)
    # Guardamos los valores para luego ver la evolución del entrenamiento en una gráfica
    As[i] = a
    Zs[i,:] = z_p
    Errores[i] = error
    Xs_linea_gradiente[i,:] = x_linea_gradiente
    Zs_linea_gradiente[i,:] = z_linea_gradiente
    # Imprimimos la evolución del entrenamiento
    if (i+1)%10 == 0:
        print(f"i={i+1}: error={error}, gradiente={dl}, a={a}")
